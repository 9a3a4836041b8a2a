using JobQueue.Postgres.Storage;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

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

    [Fact]
    public void UsePostgres_MaxReconnectDelayPastATimersLimit_ThrowsNamingTheOptionAndLimit()
    {
        var services = new ServiceCollection();

        Action act = () => services.AddJobQueue(q => q.UsePostgres("Host=localhost", o => o.MaxReconnectDelay = TimeSpan.FromDays(50)).AddJob<PingJob>());

        act.Should().Throw<ArgumentException>().WithMessage("PostgresStorageOptions.MaxReconnectDelay is 50.00:00:00; it must be at most *49.7 days*");
    }

    [Fact]
    public void WithStoreDefaults_NothingSet_PreparesStatementsAndSkipsTheReset()
    {
        NpgsqlConnectionStringBuilder tuned = ConnectionStrings.WithStoreDefaults(ConnectionStrings.Parse("Host=db;Database=app;Password=secret"));

        tuned.MaxAutoPrepare.Should().BeGreaterThan(0);
        tuned.NoResetOnClose.Should().BeTrue();
        tuned.Host.Should().Be("db");
        tuned.Database.Should().Be("app");
        tuned.Password.Should().Be("secret");
    }

    [Fact]
    public void WithStoreDefaults_SetByTheUser_KeepsTheUsersValues()
    {
        NpgsqlConnectionStringBuilder tuned = ConnectionStrings.WithStoreDefaults(
            ConnectionStrings.Parse("Host=db;Max Auto Prepare=0;No Reset On Close=false"));

        tuned.MaxAutoPrepare.Should().Be(0);
        tuned.NoResetOnClose.Should().BeFalse();
    }
}
