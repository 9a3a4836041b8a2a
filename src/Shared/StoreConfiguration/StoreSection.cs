using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace JobQueue.Binding;

/// <summary>
/// A store's settings from its child of the JobQueue section (<c>JobQueue:Sqlite</c>, <c>JobQueue:Postgres</c>,
/// <c>JobQueue:Redis</c>): its options and its <c>ConnectionString</c>. The section is read when the host first asks for
/// the options (at start, through ValidateOnStart), so <c>q.Configure(section)</c> may come before or after the store's
/// Use call. A key the section sets wins over the value code gave; every problem names its key's path.
/// </summary>
internal sealed class StoreSection<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public const string ConnectionStringKey = "ConnectionString";

    private readonly JobQueueBuilder _builder;
    private readonly string _key;
    private readonly TOptions _options;
    private readonly string? _codeConnectionString;
    private readonly string? _connectionGivenAs;
    private readonly string[] _codeOnly;
    private readonly Func<TOptions, Func<string, string>, IEnumerable<OptionProblem>> _rules;
    private readonly Func<string, TOptions, string?> _connectionProblem;
    private readonly List<string> _bindingFailures = [];
    private readonly Lazy<TOptions> _bound;
    private IConfigurationSection? _section;

    /// <param name="builder">The builder, whose <see cref="JobQueueBuilder.Configuration"/> is read when the host starts.</param>
    /// <param name="key">The store's child section: "Sqlite", "Postgres" or "Redis".</param>
    /// <param name="options">The options code built (already checked by the Use call).</param>
    /// <param name="codeConnectionString">The connection string code gave, or null when the section must give it.</param>
    /// <param name="connectionGivenAs">
    /// Non-null when code gave the connection as an object (a data source, a multiplexer): then the section may not
    /// give a connection string, and this says what code gave, for the message.
    /// </param>
    /// <param name="codeOnly">Options that configuration cannot express.</param>
    /// <param name="rules">The options' rules, shared with the Use call; the function names an option in messages.</param>
    /// <param name="connectionProblem">Why a connection string cannot be used with these options, or null.</param>
    public StoreSection(JobQueueBuilder builder, string key, TOptions options, string? codeConnectionString, string? connectionGivenAs,
        string[] codeOnly, Func<TOptions, Func<string, string>, IEnumerable<OptionProblem>> rules, Func<string, TOptions, string?> connectionProblem)
    {
        _builder = builder;
        _key = key;
        _options = options;
        _codeConnectionString = codeConnectionString;
        _connectionGivenAs = connectionGivenAs;
        _codeOnly = codeOnly;
        _rules = rules;
        _connectionProblem = connectionProblem;
        _bound = new Lazy<TOptions>(Bind);
    }

    /// <summary>The connection string to use: the section's if it sets one, else code's. Valid once the options were resolved.</summary>
    public string? ConnectionString { get; private set; }

    /// <summary>Registers the options, their check at the host's start, and this section.</summary>
    public void Register(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddOptions<TOptions>().ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(this);
        services.AddSingleton<IOptionsFactory<TOptions>>(provider =>
            new ValidatedOptionsFactory<TOptions>(() => _bound.Value, provider.GetServices<IValidateOptions<TOptions>>()));
    }

    /// <summary>The checked options, with the section's values on top of code's.</summary>
    /// <exception cref="OptionsValidationException">A value is invalid; each failure names its key.</exception>
    public static (TOptions Options, string ConnectionString) Resolve(IServiceProvider services)
    {
        TOptions options = services.GetRequiredService<IOptions<TOptions>>().Value;
        StoreSection<TOptions> section = services.GetRequiredService<StoreSection<TOptions>>();
        return (options, section.ConnectionString!);
    }

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>(_bindingFailures);
        failures.AddRange(_rules(options, NameOf).Select(problem => problem.Message));
        string connectionKey = ConnectionKeyPath();
        if (_connectionGivenAs is not null)
        {
            if (_section?[ConnectionStringKey] is not null)
            {
                failures.Add($"{connectionKey} is set, but code gave the store {_connectionGivenAs}; remove one of them.");
            }
        }
        else if (ConnectionString is null)
        {
            failures.Add(_builder.Configuration is null
                ? $"{typeof(TOptions).Name}: no connection string: the store's Use call without one reads it from {connectionKey}, but q.Configure(section) " +
                  "was not called; call it with the JobQueue section, such as builder.Configuration.GetSection(\"JobQueue\"), or pass the connection string in code."
                : $"{connectionKey} is not set; the store's Use call without a connection string reads it from there. Set it, or pass the connection string in code.");
        }
        else if (failures.Count == 0 && _connectionProblem(ConnectionString, options) is { } problem)
        {
            bool fromSection = !ReferenceEquals(ConnectionString, _codeConnectionString);
            failures.Add(fromSection ? $"{connectionKey} is invalid: {problem}" : problem);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private TOptions Bind()
    {
        ConnectionString = _codeConnectionString;
        if (_builder.Configuration?.GetSection(_key) is { } section && section.Exists())
        {
            _section = section;
            OptionsBinding.Bind(_options, section, _codeOnly, [ConnectionStringKey], _bindingFailures);
            if (_connectionGivenAs is null && section[ConnectionStringKey] is { Length: > 0 } configured)
            {
                ConnectionString = configured;
            }
        }

        return _options;
    }

    private string NameOf(string option)
        => _section is not null && OptionsBinding.Sets(_section, option) ? OptionsBinding.PathOf(_section, option) : $"{typeof(TOptions).Name}.{option}";

    private string ConnectionKeyPath()
        => _builder.Configuration is { } configuration
            ? OptionsBinding.PathOf(configuration.GetSection(_key), ConnectionStringKey)
            : $"{_key}:{ConnectionStringKey}";
}
