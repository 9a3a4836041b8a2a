using Microsoft.Extensions.Options;

namespace JobQueue.Binding;

/// <summary>
/// Hands out the one options instance that AddJobQueue built (code's values with the configuration's on top) after
/// every <see cref="IValidateOptions{TOptions}"/> accepted it, so that ValidateOnStart fails the host with every
/// problem at once. The default factory would build a fresh instance and lose what code set.
/// </summary>
internal sealed class ValidatedOptionsFactory<TOptions>(Func<TOptions> build, IEnumerable<IValidateOptions<TOptions>> validators)
    : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly Lazy<TOptions> _options = new(build);

    public TOptions Create(string name)
    {
        TOptions options = _options.Value;
        var failures = new List<string>();
        foreach (IValidateOptions<TOptions> validator in validators)
        {
            ValidateOptionsResult result = validator.Validate(name, options);
            if (result.Failed)
            {
                failures.AddRange(result.Failures ?? [result.FailureMessage]);
            }
        }

        return failures.Count == 0 ? options : throw new OptionsValidationException(name, typeof(TOptions), failures);
    }
}
