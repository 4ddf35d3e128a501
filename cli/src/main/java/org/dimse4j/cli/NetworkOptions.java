package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;

/**
 * Options every tool shares, named as DCMTK names them.
 */
final class NetworkOptions
{
    @Option(names = {"-pdu", "--max-pdu"}, paramLabel = "N",
        description = "Maximum PDU length we receive, 4096..16777216 (default: ${DEFAULT-VALUE}).")
    int maxPdu = 16384;

    @Option(names = {"-to", "--timeout"}, paramLabel = "SECONDS",
        description = "TCP connect timeout (default: ${DEFAULT-VALUE}).")
    double connectTimeout = 30;

    @Option(names = {"-ta", "--acse-timeout"}, paramLabel = "SECONDS",
        description = "ACSE/ARTIM timeout (default: ${DEFAULT-VALUE}).")
    double acseTimeout = 30;

    @Option(names = {"-td", "--dimse-timeout"}, paramLabel = "SECONDS",
        description = "DIMSE timeout: how long to wait for a response; 0 = forever (default: ${DEFAULT-VALUE}).")
    double dimseTimeout;

    @Option(names = {"--pdu-timeout"}, paramLabel = "SECONDS",
        description = "Once a PDU starts to arrive, all of it must arrive within this time, else A-ABORT; "
            + "0 = no limit (default: ${DEFAULT-VALUE}).")
    double pduTimeout = 60;

    @Option(names = {"--write-stall-timeout"}, paramLabel = "SECONDS",
        description = "Abort an association whose peer takes none of our output for this long; 0 = never "
            + "(default: ${DEFAULT-VALUE}).")
    double writeStallTimeout = 60;

    @Option(names = {"--spin-micros"}, paramLabel = "MICROS",
        description = "After its last work, an I/O loop (or a call waiting for a response) polls for this long "
            + "before it blocks: lower latency for back-to-back requests at bounded CPU; 0 = block at once "
            + "(default: ${DEFAULT-VALUE}).")
    long spinMicros = ApplicationEntity.Builder.DEFAULT_SPIN_MICROS;

    @Option(names = {"-d", "--debug"}, description = "Debug log output.")
    boolean debug;

    @Option(names = {"-q", "--quiet"}, description = "Only warnings and errors in the log.")
    boolean quiet;

    @Mixin
    TlsOptions tls = new TlsOptions(); // also when built in code, not parsed (bench loopback)

    ApplicationEntity.Builder apply(final ApplicationEntity.Builder builder) throws IOException
    {
        tls.apply(builder);
        return builder.maxPduLength(maxPdu)
            .spinMicros(spinMicros)
            .connectTimeoutMs(millis(connectTimeout))
            .acseTimeoutMs(millis(acseTimeout))
            .pduTimeoutMs(pduTimeout <= 0 ? 0 : millis(pduTimeout))
            .writeStallTimeoutMs(writeStallTimeout <= 0 ? 0 : millis(writeStallTimeout))
            .dimseTimeoutMs(dimseTimeout <= 0 ? 0 : millis(dimseTimeout));
    }

    private static long millis(final double seconds)
    {
        if (seconds <= 0)
        {
            throw new IllegalArgumentException("timeouts must be positive: " + seconds);
        }
        return Math.max(1, Math.round(seconds * 1000));
    }
}
