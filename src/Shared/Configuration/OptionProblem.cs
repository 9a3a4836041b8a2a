namespace JobQueue.Binding;

/// <summary>One broken rule of an options object: the option it is about, and the sentence that names it, its value and the fix.</summary>
internal readonly record struct OptionProblem(string Option, string Message);
