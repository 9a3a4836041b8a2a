namespace JobQueue.Tests;

/// <summary>The repository's own files, for tests that check the docs against the code.</summary>
internal static class RepositoryFiles
{
    /// <summary>The folder that holds JobQueue.sln, found upwards from the test's binaries.</summary>
    public static string Root()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "JobQueue.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No JobQueue.sln above {AppContext.BaseDirectory}.");
    }
}
