namespace TicketShop;

/// <summary>Where the demo writes: data/ under the sample's folder, recreated on every run unless kept.</summary>
public sealed class ShopFolders
{
    public ShopFolders(string root)
    {
        Root = root;
        Outbox = Path.Combine(root, "outbox");
        Tickets = Path.Combine(root, "tickets");
    }

    public string Root { get; }

    public string Outbox { get; }

    public string Tickets { get; }

    public string Database => Path.Combine(Root, "jobs.db");

    /// <summary>The sample's own folder when run with dotnet run (found from the build output), else the current folder.</summary>
    public static ShopFolders ForThisRun(bool keep)
    {
        DirectoryInfo? directory = new(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "TicketShop.csproj")))
        {
            directory = directory.Parent;
        }

        string root = Path.Combine(directory?.FullName ?? Directory.GetCurrentDirectory(), "data");
        if (!keep && Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        var folders = new ShopFolders(root);
        Directory.CreateDirectory(folders.Outbox);
        Directory.CreateDirectory(folders.Tickets);
        return folders;
    }
}
