package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.Status;
import org.dimse4j.service.Verification;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code echoscu HOST PORT}: the Verification SCU, as DCMTK's echoscu.
 */
@Command(name = "echoscu", mixinStandardHelpOptions = true,
    description = "Verification SCU: sends C-ECHO-RQ and reports the responses.")
final class EchoScu implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "ECHOSCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Option(names = {"-r", "--repeat"}, paramLabel = "N", description = "Send N C-ECHO-RQ on one association (default: 1).")
    int repeat = 1;

    @Option(names = {"--propose-contexts"}, paramLabel = "N",
        description = "Propose the Verification SOP class in N presentation contexts (1..128, default: 1).")
    int contexts = 1;

    @Option(names = {"--abort"}, description = "End the association with A-ABORT instead of A-RELEASE.")
    boolean abort;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        if (repeat < 1)
        {
            throw new IllegalArgumentException("--repeat must be at least 1");
        }
        if (contexts < 1 || contexts > 128)
        {
            throw new IllegalArgumentException("--propose-contexts must be 1..128");
        }
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).build();
        final List<ContextRequest> requests = new ArrayList<>(contexts);
        for (int i = 0; i < contexts; i++)
        {
            requests.add(ContextRequest.of(Verification.SOP_CLASS, i == 0 ? TransferSyntax.DEFAULT :
                TransferSyntax.UNCOMPRESSED));
        }
        int failures = 0;
        final long start = System.nanoTime();
        try (ClientAssociation association = ae.connect(host, port, calledAeTitle, requests, null))
        {
            for (int i = 0; i < repeat; i++)
            {
                final int status = association.echo();
                if (status != Status.SUCCESS)
                {
                    failures++;
                    System.err.printf("C-ECHO-RSP %d: status 0x%04X %s%n", i + 1, status, Status.describe(status));
                }
            }
            if (abort)
            {
                association.abort();
            }
            else
            {
                association.release();
            }
        }
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%d C-ECHO to %s@%s:%d: %d succeeded, %d failed in %.3f s (%.0f echoes/s)%n",
            repeat, calledAeTitle, host, port, repeat - failures, failures, seconds, repeat / seconds);
        return failures == 0 ? 0 : 1;
    }
}
