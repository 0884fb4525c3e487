// Runs a compiled C# program with Debug.Assert behaving as on .NET (SandboxFusion runs C# with
// `dotnet run`, a Debug build): a failed assertion ends the process with a message and exit code
// 134 instead of Mono's default of carrying on. Usage: mono launcher.exe PROGRAM.exe [ARGS].
using System;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.ExceptionServices;

sealed class FailFastListener : DefaultTraceListener
{
    public override void Fail(string message, string detailMessage)
    {
        Console.Out.Flush();
        Console.Error.WriteLine("Process terminated. Assertion failed.");
        if (!string.IsNullOrEmpty(message)) Console.Error.WriteLine(message);
        if (!string.IsNullOrEmpty(detailMessage)) Console.Error.WriteLine(detailMessage);
        Console.Error.WriteLine(new StackTrace(2, true).ToString());
        Console.Error.Flush();
        Environment.Exit(134);
    }
}

static class Launcher
{
    static int Main(string[] args)
    {
        if (args.Length < 1)
        {
            Console.Error.WriteLine("usage: launcher.exe PROGRAM.exe [ARGS]");
            return 2;
        }
        Trace.Listeners.Clear();
        Trace.Listeners.Add(new FailFastListener());
        Assembly program = Assembly.LoadFrom(args[0]);
        MethodInfo entry = program.EntryPoint;
        if (entry == null)
        {
            Console.Error.WriteLine(args[0] + " has no Main method.");
            return 1;
        }
        string[] rest = new string[args.Length - 1];
        Array.Copy(args, 1, rest, 0, rest.Length);
        object result;
        try
        {
            result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : new object[] { rest });
        }
        catch (TargetInvocationException e)
        {
            // The program's own exception, with its own stack, as if it had been thrown without us.
            ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
        return result is int ? (int)result : Environment.ExitCode;
    }
}
