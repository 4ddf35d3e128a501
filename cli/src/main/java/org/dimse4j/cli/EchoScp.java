package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.util.concurrent.Callable;

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

    @Mixin
    AcceptorOptions acceptor;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final ApplicationEntity ae = acceptor.apply(network.apply(ApplicationEntity.named(aeTitle)))
            .acceptVerification()

            .build();
        final InetSocketAddress address = acceptor.address(port);
        return Serving.untilStopped(ae, address, port -> aeTitle + " listening on port " + port, null, null);
    }
}
