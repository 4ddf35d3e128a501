package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.archive.WorklistDirectory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code wlmscp PORT --worklist DIR}: a Modality Worklist SCP (C-FIND on Modality Worklist Information Model - FIND)
 * answering from the worklist item files in a directory, as DCMTK's wlmscpfs does, but from one flat directory
 * (no per-AE-title subdirectories); also a Verification SCP. The directory is rescanned on each query (see
 * {@link WorklistDirectory}): items can be added, replaced and removed while it runs.
 */
@Command(name = "wlmscp", mixinStandardHelpOptions = true,
    description = {"Modality Worklist SCP (C-FIND) over a directory of worklist files (*.wl as wlmscpfs uses: "
        + "Part 10 files, or raw Little Endian data sets), rescanned on each query; also answers C-ECHO. "
        + "Runs until interrupted (Ctrl-C)."})
final class WlmScp implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "WLMSCP";

    @Option(names = {"--worklist", "-wl"}, paramLabel = "DIRECTORY", required = true,
        description = "Directory of worklist item files; every regular file not starting with '.' is read.")
    Path worklistDirectory;

    @Mixin
    AcceptorOptions acceptor;

    @Mixin
    NetworkOptions network;

    @Override
    public Integer call() throws Exception
    {
        final WorklistDirectory worklist = new WorklistDirectory(worklistDirectory);
        System.out.printf("%d worklist items in %s%n", worklist.items().size(), worklist.directory());
        final ApplicationEntity ae = acceptor.apply(network.apply(ApplicationEntity.named(aeTitle)))
            .acceptVerification()
            .worklist(worklist)
            .build();
        final InetSocketAddress address = acceptor.address(port);
        return Serving.untilStopped(ae, address,
            port -> aeTitle + " listening on port " + port + ", worklist " + worklist.directory(), null, null);
    }
}
