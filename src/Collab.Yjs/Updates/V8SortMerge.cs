namespace Collab.Yjs;

internal sealed partial class V8Sort<T>
{
    private void MergeLow(int baseA, int lengthA, int baseB, int lengthB)
    {
        var a = _a;
        var temp = Temp(lengthA);
        Array.Copy(a, baseA, temp, 0, lengthA);
        var dest = baseA;
        var cursorTemp = 0;
        var cursorB = baseB;
        a[dest++] = a[cursorB++];
        if (--lengthB == 0)
        {
            goto Succeed;
        }

        if (lengthA == 1)
        {
            goto CopyB;
        }

        var minGallop = _minGallop;
        while (true)
        {
            var winsA = 0;
            var winsB = 0;
            while (true)
            {
                if (compare(a[cursorB], temp[cursorTemp]) < 0)
                {
                    a[dest++] = a[cursorB++];
                    ++winsB;
                    --lengthB;
                    winsA = 0;
                    if (lengthB == 0)
                    {
                        goto Succeed;
                    }

                    if (winsB >= minGallop)
                    {
                        break;
                    }
                }
                else
                {
                    a[dest++] = temp[cursorTemp++];
                    ++winsA;
                    --lengthA;
                    winsB = 0;
                    if (lengthA == 1)
                    {
                        goto CopyB;
                    }

                    if (winsA >= minGallop)
                    {
                        break;
                    }
                }
            }

            ++minGallop;
            var first = true;
            while (winsA >= MinGallopWins || winsB >= MinGallopWins || first)
            {
                first = false;
                minGallop = Math.Max(1, minGallop - 1);
                _minGallop = minGallop;
                winsA = GallopRight(temp, a[cursorB], cursorTemp, lengthA, 0);
                if (winsA > 0)
                {
                    Array.Copy(temp, cursorTemp, a, dest, winsA);
                    dest += winsA;
                    cursorTemp += winsA;
                    lengthA -= winsA;
                    if (lengthA == 1)
                    {
                        goto CopyB;
                    }

                    if (lengthA == 0)
                    {
                        goto Succeed;
                    }
                }

                a[dest++] = a[cursorB++];
                if (--lengthB == 0)
                {
                    goto Succeed;
                }

                winsB = GallopLeft(a, temp[cursorTemp], cursorB, lengthB, 0);
                if (winsB > 0)
                {
                    Array.Copy(a, cursorB, a, dest, winsB);
                    dest += winsB;
                    cursorB += winsB;
                    lengthB -= winsB;
                    if (lengthB == 0)
                    {
                        goto Succeed;
                    }
                }

                a[dest++] = temp[cursorTemp++];
                if (--lengthA == 1)
                {
                    goto CopyB;
                }
            }

            ++minGallop;
            _minGallop = minGallop;
        }

    Succeed:
        if (lengthA > 0)
        {
            Array.Copy(temp, cursorTemp, a, dest, lengthA);
        }

        return;
    CopyB:
        Array.Copy(a, cursorB, a, dest, lengthB);
        a[dest + lengthB] = temp[cursorTemp];
    }

    private void MergeHigh(int baseA, int lengthA, int baseB, int lengthB)
    {
        var a = _a;
        var temp = Temp(lengthB);
        Array.Copy(a, baseB, temp, 0, lengthB);
        var dest = baseB + lengthB - 1;
        var cursorTemp = lengthB - 1;
        var cursorA = baseA + lengthA - 1;
        a[dest--] = a[cursorA--];
        if (--lengthA == 0)
        {
            goto Succeed;
        }

        if (lengthB == 1)
        {
            goto CopyA;
        }

        var minGallop = _minGallop;
        while (true)
        {
            var winsA = 0;
            var winsB = 0;
            while (true)
            {
                if (compare(temp[cursorTemp], a[cursorA]) < 0)
                {
                    a[dest--] = a[cursorA--];
                    ++winsA;
                    --lengthA;
                    winsB = 0;
                    if (lengthA == 0)
                    {
                        goto Succeed;
                    }

                    if (winsA >= minGallop)
                    {
                        break;
                    }
                }
                else
                {
                    a[dest--] = temp[cursorTemp--];
                    ++winsB;
                    --lengthB;
                    winsA = 0;
                    if (lengthB == 1)
                    {
                        goto CopyA;
                    }

                    if (winsB >= minGallop)
                    {
                        break;
                    }
                }
            }

            ++minGallop;
            var first = true;
            while (winsA >= MinGallopWins || winsB >= MinGallopWins || first)
            {
                first = false;
                minGallop = Math.Max(1, minGallop - 1);
                _minGallop = minGallop;
                var k = GallopRight(a, temp[cursorTemp], baseA, lengthA, lengthA - 1);
                winsA = lengthA - k;
                if (winsA > 0)
                {
                    dest -= winsA;
                    cursorA -= winsA;
                    Array.Copy(a, cursorA + 1, a, dest + 1, winsA);
                    lengthA -= winsA;
                    if (lengthA == 0)
                    {
                        goto Succeed;
                    }
                }

                a[dest--] = temp[cursorTemp--];
                if (--lengthB == 1)
                {
                    goto CopyA;
                }

                k = GallopLeft(temp, a[cursorA], 0, lengthB, lengthB - 1);
                winsB = lengthB - k;
                if (winsB > 0)
                {
                    dest -= winsB;
                    cursorTemp -= winsB;
                    Array.Copy(temp, cursorTemp + 1, a, dest + 1, winsB);
                    lengthB -= winsB;
                    if (lengthB == 1)
                    {
                        goto CopyA;
                    }

                    if (lengthB == 0)
                    {
                        goto Succeed;
                    }
                }

                a[dest--] = a[cursorA--];
                if (--lengthA == 0)
                {
                    goto Succeed;
                }
            }

            ++minGallop;
            _minGallop = minGallop;
        }

    Succeed:
        if (lengthB > 0)
        {
            Array.Copy(temp, 0, a, dest - (lengthB - 1), lengthB);
        }

        return;
    CopyA:
        dest -= lengthA;
        cursorA -= lengthA;
        Array.Copy(a, cursorA + 1, a, dest + 1, lengthA);
        a[dest] = temp[cursorTemp];
    }
}
