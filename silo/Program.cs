// Not built yet: this entry point is filled in by its issue. Fail loudly rather than pretend.
Console.Error.WriteLine("This program is not implemented yet; see README.md (status).");
return 2;
