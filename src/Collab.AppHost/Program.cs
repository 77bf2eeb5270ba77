Console.WriteLine("Collab.AppHost");
