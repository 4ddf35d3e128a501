package org.dimse4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code dimse4j TOOL [options] ARGS}: the command-line tools, with DCMTK's positional arguments and option names.
 */
@Command(name = "dimse4j", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
    description = "DICOM network tools on the dimse4j stack.",
    subcommands = {EchoScu.class, EchoScp.class, StoreScu.class, StoreScp.class, FindScu.class, GetScu.class,
        MoveScu.class, QrScp.class, WlmScp.class, MppsScuTool.class, StgCmtScu.class,
        MkInstances.class, TcpCeiling.class, Bench.class, VerifyArchive.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * @param args tool name, then its options and arguments.
     */
    public static void main(final String[] args)
    {
        System.exit(run(args));
    }

    /**
     * Runs a tool without exiting the JVM (for tests).
     *
     * @param args tool name, then its options and arguments.
     * @return the exit code: 0 only on success.
     */
    public static int run(final String... args)
    {
        Logging.configure(args);
        return new CommandLine(new Main())
            .setExecutionExceptionHandler((ex, cmd, parsed) ->
            {
                cmd.getErr().println(cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            })
            .execute(args);
    }

    /** {@inheritDoc} */
    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a tool (dimse4j --help lists them)");
    }

    /** The version of this build. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            return new String[] {"dimse4j " + org.dimse4j.ul.Implementation.VERSION_NAME};
        }
    }
}
