using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Collab.Relay.Kafka;

namespace Collab.KafkaTestCluster;

/// <summary>The part of librdkafka's C API that creates and steers a mock cluster (rdkafka_mock.h).</summary>
internal static partial class LibRdKafkaMock
{
    private const string Library = "librdkafka";

    static LibRdKafkaMock()
    {
        KafkaNativeLibrary.EnsureLoaded();
        NativeLibrary.SetDllImportResolver(
            typeof(LibRdKafkaMock).Assembly,
            static (name, _, _) => name == Library ? KafkaNativeLibrary.Handle : 0);
    }

    /// <summary>Runs the static constructor (loads librdkafka, installs the resolver).</summary>
    public static void Initialize() => RuntimeHelpers.RunClassConstructor(typeof(LibRdKafkaMock).TypeHandle);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_new")]
    public static partial nint ConfNew();

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_set", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ConfSet(nint conf, string name, string value, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_conf_destroy")]
    public static partial void ConfDestroy(nint conf);

    [LibraryImport(Library, EntryPoint = "rd_kafka_new")]
    public static partial nint KafkaNew(int type, nint conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(Library, EntryPoint = "rd_kafka_destroy")]
    public static partial void KafkaDestroy(nint rk);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_new")]
    public static partial nint ClusterNew(nint rk, int brokerCount);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_destroy")]
    public static partial void ClusterDestroy(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_cluster_bootstraps")]
    public static partial nint ClusterBootstraps(nint cluster);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_down")]
    public static partial int BrokerSetDown(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_broker_set_up")]
    public static partial int BrokerSetUp(nint cluster, int brokerId);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_topic_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int TopicCreate(nint cluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(Library, EntryPoint = "rd_kafka_mock_partition_delete_records", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int PartitionDeleteRecords(nint cluster, string topic, int partition, long beforeOffset);

    [LibraryImport(Library, EntryPoint = "rd_kafka_err2str")]
    public static partial nint ErrorToString(int error);

    public static string Describe(int error) => Marshal.PtrToStringUTF8(ErrorToString(error)) ?? $"error {error}";
}
