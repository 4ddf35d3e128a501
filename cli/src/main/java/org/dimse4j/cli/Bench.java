package org.dimse4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bench}: a load generator for any DICOM peer (ours, DCMTK, a PACS), with HdrHistogram latencies, and the
 * plot that lays several runs over one another.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Load generator and latency recorder for any DICOM peer: C-ECHO, C-STORE, C-FIND over N " +
        "associations, each with an asynchronous window; prints ops/s, MB/s and p50/p90/p99/p99.9/max; " +
        "--out saves the HdrHistogram log (.hlog), the percentile distribution (.hgrm) and a plot.",
        "Without -td (or with -td 0), an association waits at most 30 s for a response, then is aborted.",
        "  bench echo --count 100000 --warmup 20000 127.0.0.1 11112",
        "  bench store --size 4K --window 16 --duration 30 --out ours 127.0.0.1 11112",
        "  bench plot ours.hgrm dcmtk.hgrm -o compare.html",
        "  bench loopback    (in-process client and server beside raw TCP on loopback: the ceiling)"},
    subcommands = {BenchEcho.class, BenchStore.class, BenchFind.class, BenchPlot.class, BenchLoopback.class,
        CommandLine.HelpCommand.class})
final class Bench implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a benchmark: echo, store, find, plot, loopback");
    }
}
