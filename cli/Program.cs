// The marketplace CLI is being built (issue 5); until then it says so and fails.
Console.Error.WriteLine("marketplace: the CLI is not built yet (issue 5).");
return 2;
