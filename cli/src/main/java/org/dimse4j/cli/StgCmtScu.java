package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.NResponse;
import org.dimse4j.ae.Server;
import org.dimse4j.ae.StorageCommitment;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.Uid;
import org.dimse4j.data.Uids;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code stgcmtscu HOST PORT FILE...}: Storage Commitment Push Model SCU. Asks the peer to commit the instances of
 * the given Part 10 files (directories are walked), then waits for the result: on the requesting association, or,
 * with {@code --port}, on our own listening AE (the peer must know our AE title, host and port). Prints each failed
 * instance with its Failure Reason; exits 0 only if every instance was committed.
 */
@Command(name = "stgcmtscu", mixinStandardHelpOptions = true,
    description = "Storage Commitment SCU: requests commitment of the files' instances and waits for the result.")
final class StgCmtScu implements Callable<Integer>
{
    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "FILE", description = "Part 10 files or directories.")
    List<Path> files = new ArrayList<>();

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "STGCMTSCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Option(names = {"--port"}, paramLabel = "PORT",
        description = "Also listen on this port for the result on a new association (default: same association only).")
    int listenPort = -1;

    @Option(names = {"--wait"}, paramLabel = "SECONDS", description = "How long to wait for the result (default: "
        + "${DEFAULT-VALUE}).")
    int waitSeconds = 60;

    @Mixin
    NetworkOptions network;

    private static final long HOLD_MS = 5_000;

    /** Set once listening (with --port), for in-process tests. */
    volatile Server server;

    @Override
    public Integer call() throws Exception
    {
        final List<StorageCommitment.Reference> references = new ArrayList<>();
        for (final Path file : files)
        {
            try (Stream<Path> walk = Files.walk(file))
            {
                for (final Path f : (Iterable<Path>)walk.filter(f -> Files.isRegularFile(f) && !DirectoryStore.isTemporary(f)).sorted()::iterator)
                {
                    references.add(StorageCommitment.Reference.of(f));
                }
            }
        }
        if (references.isEmpty())
        {
            throw new IllegalArgumentException("no files given");
        }
        final StorageCommitment.ResultCollector collector = new StorageCommitment.ResultCollector();
        final ApplicationEntity.Builder builder = network.apply(ApplicationEntity.named(aeTitle));
        if (listenPort >= 0)
        {
            builder.acceptStorageCommitmentResults(collector);
        }
        final ApplicationEntity ae = builder.build();
        final String transaction = Uids.random();
        try (Server listening = listenPort >= 0 ? ae.listen(new InetSocketAddress(listenPort)) : null)
        {
            server = listening;
            StorageCommitment.Result result;
            try (ClientAssociation association = ae.connect(host, port, calledAeTitle,
                ScuSupport.littleEndianContext(Uid.STORAGE_COMMITMENT_PUSH_MODEL), null))
            {
                association.onEventReport(collector);
                final NResponse response = StorageCommitment.request(association, transaction, references);
                if (!response.isPerformed())
                {
                    System.err.printf("N-ACTION refused: status 0x%04X%s%n", response.status(),
                        response.errorComment() == null ? "" : " (" + response.errorComment() + ")");
                    return 1;
                }
                System.out.printf("commitment of %d instances requested, transaction %s%n", references.size(),
                    transaction);
                result = awaitHere(association, collector, transaction);
                association.release();
            }
            if (result == null && listening != null)
            {
                result = collector.await(transaction, waitSeconds * 1000L);
            }
            return report(result);
        }
    }

    /**
     * Waits for the result on the requesting association, answering N-EVENT-REPORTs there, and checks in short
     * slices whether it reached the listening AE instead.
     */
    private StorageCommitment.Result awaitHere(final ClientAssociation association,
        final StorageCommitment.ResultCollector collector, final String transaction) throws IOException
    {
        // with a listening AE, hold the association a few seconds only: some SCPs report on a new association
        // once the requesting one has ended
        final long waitMs = server == null ? waitSeconds * 1000L : Math.min(waitSeconds * 1000L, HOLD_MS);
        final long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (true)
        {
            final StorageCommitment.Result result = collector.take(transaction);
            final long left = (deadline - System.nanoTime()) / 1_000_000;
            if (result != null || left <= 0)
            {
                return result;
            }
            association.awaitEventReport(Math.min(left, 200), null);
        }
    }

    private static int report(final StorageCommitment.Result result)
    {
        if (result == null)
        {
            System.err.println("no commitment result arrived");
            return 1;
        }
        for (final StorageCommitment.Failure failure : result.failed())
        {
            System.out.printf("failed %s (%s): reason 0x%04X%n", failure.reference().sopInstanceUid(),
                failure.reference().sopClassUid(), failure.reason());
        }
        System.out.printf("%d committed, %d failed (event type %d, retrieve AE %s)%n", result.committed().size(),
            result.failed().size(), result.eventTypeId(), result.retrieveAeTitle());
        return result.allCommitted() ? 0 : 1;
    }
}
