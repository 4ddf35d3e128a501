package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.Server;
import org.dimse4j.archive.ArchiveIndex;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.TransferSyntax;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code qrscp PORT}: a Query/Retrieve SCP answering C-FIND and C-GET (Patient Root and Study Root) from an archive
 * directory, which it indexes at start; also a Storage SCP whose stored instances are queryable at once, a
 * Storage Commitment SCP over the same archive, optionally an MPPS SCP ({@code --mpps DIR}), and a Verification SCP.
 */
@Command(name = "qrscp", mixinStandardHelpOptions = true,
    description = {"Query/Retrieve SCP (C-FIND and C-GET, Patient and Study Root) over an archive directory, "
        + "indexed at start; "
        + "also stores (C-STORE) into it, commits its instances (Storage Commitment), with --mpps keeps MPPS steps, "
        + "and answers C-ECHO. Runs until interrupted (Ctrl-C)."})
final class QrScp implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "PORT", description = "TCP port to listen on.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "QRSCP";

    @Option(names = {"-od", "--output-directory"}, paramLabel = "DIRECTORY",
        description = "Archive directory, created if missing (default: ${DEFAULT-VALUE}).")
    Path outputDirectory = Path.of(StoreScp.DEFAULT_DIRECTORY);

    @Option(names = {"--bind"}, paramLabel = "ADDRESS", description = "Local address to listen on (default: all).")
    String bind;

    @Option(names = {"--mpps"}, paramLabel = "DIRECTORY",
        description = "Also be an MPPS SCP (N-CREATE, N-SET; N-GET on MPPS Retrieve), keeping the steps as Part 10 "
            + "files here.")
    Path mppsDirectory;

    @Option(names = {"--ae-table"}, paramLabel = "FILE",
        description = "Peers as lines of AETITLE HOST PORT: where Storage Commitment results go when the "
            + "requesting association has ended.")
    Path aeTable;

    @Mixin
    NetworkOptions network;

    /** Set once listening, for in-process tests. */
    volatile Server server;

    @Override
    public Integer call() throws Exception
    {
        final Path root = outputDirectory.toAbsolutePath().normalize();
        final long start = System.nanoTime();
        final ArchiveIndex index = ArchiveIndex.rebuild(root);
        System.out.printf("indexed %d instances under %s in %.3f s%n", index.size(), root,
            (System.nanoTime() - start) / 1e9);
        final DirectoryStore store = new DirectoryStore(root, DirectoryStore.Durability.RENAME,
            DirectoryStore.Duplicates.OVERWRITE, index::onStored);
        final ApplicationEntity.Builder builder = network.apply(ApplicationEntity.named(aeTitle))
            .acceptVerification()
            .acceptStorage(TransferSyntax.ALL_KNOWN, store)
            .queryIndex(index)
            .acceptStorageCommitment(new org.dimse4j.ae.StorageCommitmentService(index));
        if (mppsDirectory != null)
        {
            builder.acceptMpps(org.dimse4j.ae.MppsService.inDirectory(mppsDirectory));
        }
        if (aeTable != null)
        {
            builder.remoteAes(org.dimse4j.ae.AeTable.read(aeTable));
        }
        final ApplicationEntity ae = builder.build();
        final InetSocketAddress address = bind == null ? new InetSocketAddress(port) :
            new InetSocketAddress(bind, port);
        return Serving.untilStopped(ae, address,
            port -> aeTitle + " listening on port " + port + ", archive " + root, listening -> server = listening);
    }
}
