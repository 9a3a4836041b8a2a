using Microsoft.Extensions.DependencyInjection;

namespace JobQueue.Postgres.Tests.Storage;

public sealed class ConnectionStringTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Hots=localhost;Database=app")]
    [InlineData("Database=app;Username=app")]
    public void UsePostgres_BadConnectionString_ThrowsSayingWhatIsExpected(string connectionString)
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UsePostgres(connectionString).AddJob<PingJob>());

        act.Should().Throw<ArgumentException>().WithMessage("*PostgreSQL connection string*Host=*");
    }

    [Fact]
    public void UsePostgres_BadSchemaName_ThrowsNamingTheOption()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UsePostgres("Host=localhost", o => o.Schema = "Bad-Name").AddJob<PingJob>());

        act.Should().Throw<ArgumentException>().WithMessage("*PostgresStorageOptions.Schema*Bad-Name*");
    }
}
