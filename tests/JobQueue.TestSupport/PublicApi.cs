using System.Reflection;
using System.Text;

namespace JobQueue.TestSupport;

/// <summary>
/// Writes an assembly's public surface as sorted text, so a checked-in copy makes every change to the
/// public API visible in review. To accept a change, copy the .received.txt file over the .approved.txt one.
/// </summary>
public static class PublicApi
{
    /// <summary>The public surface of <paramref name="assembly"/>, one line per type and member.</summary>
    public static string Describe(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (Type type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.AppendLine(DescribeType(type));
            const BindingFlags Flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            var members = new List<string>();
            foreach (MemberInfo member in type.GetMembers(Flags))
            {
                string? line = member switch
                {
                    ConstructorInfo c => $"ctor({Parameters(c)})",
                    MethodInfo m when !m.IsSpecialName => $"{(m.IsStatic ? "static " : "")}{Name(m.ReturnType)} {m.Name}{GenericArguments(m)}({Parameters(m)})",
                    PropertyInfo p => $"{(p.GetMethod?.IsStatic == true ? "static " : "")}{Name(p.PropertyType)} {p.Name} {{{(p.GetMethod?.IsPublic == true ? " get;" : "")}{(p.SetMethod?.IsPublic == true ? (IsInitOnly(p) ? " init;" : " set;") : "")} }}",
                    FieldInfo f when !type.IsEnum || f.IsStatic => $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{Name(f.FieldType)} {f.Name}",
                    EventInfo e => $"event {Name(e.EventHandlerType!)} {e.Name}",
                    _ => null,
                };
                if (line is not null)
                {
                    members.Add("    " + line);
                }
            }

            members.Sort(StringComparer.Ordinal);
            members.ForEach(m => text.AppendLine(m));
        }

        return text.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>Compares the surface with the approved file; on a difference writes the received file and throws.</summary>
    /// <param name="assembly">The assembly to describe.</param>
    /// <param name="approvedPath">The approved file as copied to the test's output folder.</param>
    /// <param name="sourcePath">The approved file's path in the repository, for the message.</param>
    public static void Verify(Assembly assembly, string approvedPath, string sourcePath)
    {
        string received = Describe(assembly);
        string approved = File.Exists(approvedPath) ? File.ReadAllText(approvedPath).ReplaceLineEndings("\n") : "";
        if (received != approved)
        {
            string receivedPath = Path.ChangeExtension(approvedPath, null).Replace(".approved", "", StringComparison.Ordinal) + ".received.txt";
            File.WriteAllText(receivedPath, received);
            throw new InvalidOperationException(
                $"The public API of {assembly.GetName().Name} changed. Review {receivedPath}; if the change is deliberate, copy it over {sourcePath}.");
        }
    }

    private static string DescribeType(Type type)
    {
        string kind = type.IsEnum ? "enum" : type.IsInterface ? "interface" : type.IsValueType ? "struct"
            : type.IsAbstract && type.IsSealed ? "static class" : type.IsSealed ? "sealed class" : type.IsAbstract ? "abstract class" : "class";
        var bases = new List<string>();
        if (type.BaseType is { } baseType && baseType != typeof(object) && baseType != typeof(ValueType) && baseType != typeof(Enum))
        {
            bases.Add(Name(baseType));
        }

        bases.AddRange(type.GetInterfaces().Select(Name).Order(StringComparer.Ordinal));
        string enumValues = type.IsEnum ? " { " + string.Join(", ", Enum.GetNames(type).Select(n => $"{n} = {Convert.ToInt64(Enum.Parse(type, n), System.Globalization.CultureInfo.InvariantCulture)}")) + " }" : "";
        return $"{kind} {Name(type)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}{enumValues}";
    }

    private static bool IsInitOnly(PropertyInfo property)
        => property.SetMethod!.ReturnParameter.GetRequiredCustomModifiers().Any(m => m.FullName == "System.Runtime.CompilerServices.IsExternalInit");

    private static string GenericArguments(MethodInfo method)
        => method.IsGenericMethod ? "<" + string.Join(", ", method.GetGenericArguments().Select(Name)) + ">" : "";

    private static string Parameters(MethodBase method)
        => string.Join(", ", method.GetParameters().Select(p =>
            $"{(p.ParameterType.IsByRef ? (p.IsOut ? "out " : "ref ") : "")}{Name(p.ParameterType.IsByRef ? p.ParameterType.GetElementType()! : p.ParameterType)} {p.Name}{(p.HasDefaultValue ? " = " + (p.DefaultValue ?? "null") : "")}"));

    private static string Name(Type type)
    {
        if (type.IsGenericParameter)
        {
            return type.Name;
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Name(underlying) + "?";
        }

        if (type.IsArray)
        {
            return Name(type.GetElementType()!) + "[]";
        }

        string name = type.IsNested ? Name(type.DeclaringType!) + "." + type.Name : type.Namespace + "." + type.Name;
        if (!type.IsGenericType)
        {
            return name;
        }

        return name[..name.IndexOf('`', StringComparison.Ordinal)] + "<" + string.Join(", ", type.GetGenericArguments().Select(Name)) + ">";
    }
}
