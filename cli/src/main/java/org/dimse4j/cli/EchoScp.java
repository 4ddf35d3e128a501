package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.Server;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code echoscp PORT}: a Verification SCP that answers C-ECHO until stopped.
 */
@Command(name = "echoscp", mixinStandardHelpOptions = true,
    description = "Verification SCP: answers C-ECHO-RQ until interrupted (Ctrl-C).")
final class EchoScp implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "ECHOSCP";

    @Option(names = {"--require-called-aet"}, description = "Reject associations not addressed to our AE title.")
    boolean requireCalledAeTitle;

    @Option(names = {"--allow-calling-aet"}, paramLabel = "AETITLE", split = ",",
        description = "Accept only these calling AE titles (default: any).")
    Set<String> allowedCallingAeTitles = Set.of();

    @Option(names = {"--max-associations"}, paramLabel = "N",
        description = "Reject associations beyond N open at once (default: no limit).")
    int maxAssociations;

    @Option(names = {"--bind"}, paramLabel = "ADDRESS", description = "Local address to listen on (default: all).")
    String bind;

    @Option(names = {"--event-loops"}, paramLabel = "N", description = "I/O threads (default: ${DEFAULT-VALUE}).")
    int eventLoops = 1;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle))
            .acceptVerification()
            .requireCalledAeTitle(requireCalledAeTitle)
            .allowedCallingAeTitles(allowedCallingAeTitles)
            .maxAssociations(maxAssociations)
            .eventLoops(eventLoops)
            .build();
        final InetSocketAddress address = bind == null ? new InetSocketAddress(port) : new InetSocketAddress(bind, port);
        final CountDownLatch stopped = new CountDownLatch(1);
        final Server server = ae.listen(address);
        Runtime.getRuntime().addShutdownHook(new Thread(() ->
        {
            server.close();
            stopped.countDown();
        }, "dimse4j-shutdown"));
        System.out.println(aeTitle + " listening on port " + server.port());
        stopped.await();
        return 0;
    }
}
