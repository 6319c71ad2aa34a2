package dev.updater.sidecar.cli;

import dev.updater.core.UpdaterException;
import dev.updater.core.text.Printable;
import dev.updater.sidecar.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * Turns exceptions into what an operator reads: one sentence, and a stack trace only with
 * {@code --stacktrace}. Usage errors add the synopsis and where to find help. Messages quote
 * records, servers and arguments, so they are printed {@link Printable}.
 */
final class ErrorReporting implements IExecutionExceptionHandler, IParameterExceptionHandler {
    static final String STACKTRACE_OPTION = "--stacktrace";

    @Override
    public int handleExecutionException(Exception ex, CommandLine commandLine, ParseResult parseResult) {
        PrintWriter err = commandLine.getErr();
        if (ex instanceof UpdaterException || ex instanceof CommandFailedException) {
            err.println(printable(ex.getMessage()));
        } else {
            err.println("Unexpected error: " + printable(ex) + ". Run again with " + STACKTRACE_OPTION
                    + " and report the output.");
        }
        if (wantsStackTrace(parseResult)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return ExitCode.FAILED.code();
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(printable(ex.getMessage()));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.print("Usage: " + cmd.getHelp().synopsis(0));
        err.println("Run '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCode.USAGE.code();
    }

    private static String printable(Object text) {
        return Printable.of(text, Printable.MAX_LINE_LENGTH);
    }

    private static boolean wantsStackTrace(ParseResult result) {
        for (ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.hasMatchedOption(STACKTRACE_OPTION)) {
                return true;
            }
        }
        return false;
    }
}
