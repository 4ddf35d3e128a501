package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.archive.DirectoryStore;
import org.dimse4j.data.Part10Info;
import org.dimse4j.data.Part10Reader;
import org.dimse4j.data.TransferSyntax;
import org.dimse4j.dimse.Status;
import org.dimse4j.ul.Association;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * {@code storescu HOST PORT PATH...}: the Storage SCU, as DCMTK's storescu. Files are sent as they lie: each goes
 * on a presentation context accepted with its own transfer syntax, never transcoded.
 */
@Command(name = "storescu", mixinStandardHelpOptions = true,
    description = {"Storage SCU: sends DICOM Part 10 files (C-STORE), as they are, never transcoded.",
        "Directories are scanned recursively; files that are not DICOM Part 10 are reported and skipped.",
        "Exit code 0 only if every instance was stored (warnings count as stored)."})
final class StoreScu implements Callable<Integer>
{
    /** The most presentation contexts one association may propose. */
    static final int MAX_CONTEXTS = 128;

    private static final double MB = 1_000_000.0;

    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Parameters(index = "2..*", arity = "1..*", paramLabel = "PATH",
        description = "DICOM files, or directories to scan recursively.")
    List<Path> paths;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "STORESCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Option(names = {"--associations"}, paramLabel = "N",
        description = "Send over N associations in parallel, files split round-robin, one thread each "
            + "(default: ${DEFAULT-VALUE}).")
    int associations = 1;

    @Option(names = {"--repeat"}, paramLabel = "N",
        description = "Send the file set N times, on the same associations (default: ${DEFAULT-VALUE}).")
    int repeat = 1;

    @Option(names = {"--window"}, paramLabel = "N",
        description = "Propose an asynchronous operations window: up to N C-STOREs in flight on each association " +
            "(1 = one at a time; the peer may grant fewer; default: ${DEFAULT-VALUE}).")
    int window = 16;

    @Option(names = {"-v", "--verbose"}, description = "Print a line for every instance, not only failures.")
    boolean verbose;

    @Option(names = {"--progress"},
        description = "Show a progress line on stderr even when it is not a terminal (default: only on a terminal).")
    boolean progress;

    @Mixin
    NetworkOptions network;

    /** A file to send, as its head describes it. */
    record Instance(Path path, String sopClass, String sopInstance, String transferSyntax, long length)
    {
        String key()
        {
            return sopClass + '|' + transferSyntax;
        }
    }

    @Override
    public Integer call() throws Exception
    {
        if (associations < 1)
        {
            throw new IllegalArgumentException("--associations must be at least 1");
        }
        if (repeat < 1)
        {
            throw new IllegalArgumentException("--repeat must be at least 1");
        }
        final Report report = new Report(System.out, System.err, verbose);
        final List<Instance> instances = scan(paths, report);
        if (instances.isEmpty())
        {
            report.error("no DICOM files to send");
            return 1;
        }
        if (window < 1 || window > 0xFFFF)
        {
            throw new IllegalArgumentException("--window must be 1..65535");
        }
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).requestAsyncWindow(window)
            .build();
        final List<List<Instance>> shares = new ArrayList<>();
        for (int i = 0; i < Math.min(associations, instances.size()); i++)
        {
            shares.add(new ArrayList<>());
        }
        for (int i = 0; i < instances.size(); i++)
        {
            shares.get(i % shares.size()).add(instances.get(i));
        }
        final long total = (long)instances.size() * repeat;
        final Progress progressLine = progress || System.console() != null ? new Progress(report, total) : null;
        final long start = System.nanoTime();
        if (progressLine != null)
        {
            progressLine.start();
        }
        try
        {
            if (shares.size() == 1)
            {
                send(ae, shares.get(0), report);
            }
            else
            {
                final List<Thread> threads = new ArrayList<>();
                for (int i = 0; i < shares.size(); i++)
                {
                    final List<Instance> share = shares.get(i);
                    final Thread thread = new Thread(() -> send(ae, share, report), "storescu-" + (i + 1));
                    threads.add(thread);
                    thread.start();
                }
                for (final Thread thread : threads)
                {
                    thread.join();
                }
            }
        }
        finally
        {
            if (progressLine != null)
            {
                progressLine.stop();
            }
        }
        final double seconds = Math.max(1e-9, (System.nanoTime() - start) / 1e9);
        final long done = report.done.get();
        final double megabytes = report.bytes.get() / MB;
        System.out.printf("%d instances (%d failed, %d warnings), %.1f MB in %.3f s: %.0f instances/s, %.1f MB/s%n",
            done, report.failed.get(), report.warnings.get(), megabytes, seconds, done / seconds, megabytes / seconds);
        return report.failed.get() == 0 && done == total ? 0 : 1;
    }

    /** Finds the files under the paths and reads their heads; reports and skips what is not DICOM. */
    static List<Instance> scan(final List<Path> paths, final Report report) throws IOException
    {
        final List<Instance> instances = new ArrayList<>();
        for (final Path path : paths)
        {
            if (Files.isDirectory(path))
            {
                final List<Path> files;
                try (Stream<Path> walk = Files.walk(path))
                {
                    files = walk.filter(f -> Files.isRegularFile(f) && !DirectoryStore.isTemporary(f)).sorted().toList();
                }
                for (final Path file : files)
                {
                    add(file, instances, report);
                }
            }
            else if (Files.isRegularFile(path))
            {
                add(path, instances, report);
            }
            else
            {
                report.skipped(path, "no such file or directory");
            }
        }
        return instances;
    }

    private static void add(final Path file, final List<Instance> instances, final Report report)
    {
        final Part10Info info;
        try
        {
            info = Part10Reader.read(file);
        }
        catch (final IOException | RuntimeException ex)
        {
            final String message = String.valueOf(ex.getMessage());
            final String prefix = file + ": ";
            report.skipped(file, message.startsWith(prefix) ? message.substring(prefix.length()) : message);
            return;
        }
        if (info.mediaStorageSopClassUid() == null || info.mediaStorageSopInstanceUid() == null)
        {
            report.skipped(file, "no Media Storage SOP Class/Instance UID in its file meta information");
            return;
        }
        if (info.dataSetLength() <= 0)
        {
            report.skipped(file, "empty data set");
            return;
        }
        instances.add(new Instance(file, info.mediaStorageSopClassUid(), info.mediaStorageSopInstanceUid(),
            info.transferSyntaxUid(), info.dataSetLength()));
    }

    /**
     * Splits files, in order, into runs needing at most {@value #MAX_CONTEXTS} presentation contexts each: one
     * context per (SOP class, transfer syntax).
     */
    static List<List<Instance>> batches(final List<Instance> instances)
    {
        final List<List<Instance>> batches = new ArrayList<>();
        List<Instance> batch = new ArrayList<>();
        final Map<String, Boolean> keys = new LinkedHashMap<>();
        for (final Instance instance : instances)
        {
            if (!keys.containsKey(instance.key()) && keys.size() == MAX_CONTEXTS)
            {
                batches.add(batch);
                batch = new ArrayList<>();
                keys.clear();
            }
            keys.put(instance.key(), Boolean.TRUE);
            batch.add(instance);
        }
        if (!batch.isEmpty())
        {
            batches.add(batch);
        }
        return batches;
    }

    /**
     * The contexts for a batch: one per (SOP class, transfer syntax), proposing only the files' transfer syntax, so
     * that a peer cannot accept one the files are not in (we never transcode). For a SOP class with no Implicit VR
     * Little Endian file, one more context proposes Implicit VR Little Endian alone, as PS3.5 §10.1 asks of every
     * requestor (room permitting); it carries nothing.
     */
    static List<ContextRequest> contexts(final List<Instance> batch)
    {
        final Map<String, ContextRequest> contexts = new LinkedHashMap<>();
        for (final Instance instance : batch)
        {
            contexts.computeIfAbsent(instance.key(),
                key -> ContextRequest.of(instance.sopClass(), List.of(instance.transferSyntax())));
        }
        final List<ContextRequest> result = new ArrayList<>(contexts.values());
        final java.util.Set<String> implicit = new java.util.HashSet<>();
        for (final ContextRequest context : contexts.values())
        {
            if (context.transferSyntaxes().contains(TransferSyntax.IMPLICIT_VR_LITTLE_ENDIAN))
            {
                implicit.add(context.abstractSyntax());
            }
        }
        for (final ContextRequest context : new ArrayList<>(contexts.values()))
        {
            if (result.size() < MAX_CONTEXTS && implicit.add(context.abstractSyntax()))
            {
                result.add(ContextRequest.of(context.abstractSyntax(), TransferSyntax.DEFAULT));
            }
        }
        return result;
    }

    /** Sends a share of the files, batch by batch, one association each, on this thread. */
    private void send(final ApplicationEntity ae, final List<Instance> share, final Report report)
    {
        for (final List<Instance> batch : batches(share))
        {
            sendBatch(ae, batch, report);
        }
    }

    private void sendBatch(final ApplicationEntity ae, final List<Instance> batch, final Report report)
    {
        final ClientAssociation association;
        try
        {
            association = ae.connect(host, port, calledAeTitle, contexts(batch), null);
        }
        catch (final IOException | RuntimeException ex)
        {
            report.error("association with " + calledAeTitle + "@" + host + ":" + port + " failed: " + ex.getMessage());
            for (int r = 0; r < repeat; r++)
            {
                batch.forEach(instance -> report.failed(instance, "not sent: no association"));
            }
            return;
        }
        try (association)
        {
            final List<Path> files = new ArrayList<>(batch.size());
            final Map<Path, Instance> byPath = new java.util.HashMap<>();
            for (final Instance instance : batch)
            {
                final String unfit = checkContext(association.association(), instance);
                if (unfit != null)
                {
                    for (int r = 0; r < repeat; r++)
                    {
                        report.failed(instance, unfit);
                    }
                    continue;
                }
                files.add(instance.path());
                byPath.put(instance.path(), instance);
            }
            for (int r = 0; r < repeat && !files.isEmpty(); r++)
            {
                final java.util.Set<Path> answered = new java.util.HashSet<>();
                try
                {
                    association.storeAll(files, (file, status, error) ->
                    {
                        answered.add(file);
                        if (error != null)
                        {
                            report.failed(byPath.get(file), error.getMessage());
                        }
                        else
                        {
                            report.status(byPath.get(file), status);
                        }
                    });
                }
                catch (final IOException | RuntimeException ex)
                {
                    report.error("association ended: " + ex.getMessage());
                    for (int left = r; left < repeat; left++)
                    {
                        for (final Path file : files)
                        {
                            if (left > r || !answered.contains(file))
                            {
                                report.failed(byPath.get(file), "not sent or not answered: the association ended");
                            }
                        }
                    }
                    break;
                }
            }
            if (!association.association().isClosed())
            {
                association.release();
            }
        }
        catch (final IOException ex)
        {
            report.error("release: " + ex.getMessage());
        }
    }

    /** @return why the file cannot go on this association, or null if a context fits it. */
    static String checkContext(final Association association, final Instance instance)
    {
        boolean sopClassAccepted = false;
        for (int id = 1; id < 256; id += 2)
        {
            if (instance.sopClass().equals(association.abstractSyntax(id)))
            {
                if (instance.transferSyntax().equals(association.transferSyntax(id)))
                {
                    return null;
                }
                sopClassAccepted = true;
            }
        }
        return sopClassAccepted ? "no matching context, not transcoded (the peer accepted " + instance.sopClass() +
            " only in another transfer syntax than the file's " + instance.transferSyntax() + ")" :
            "no matching context: the peer accepted no presentation context for " + instance.sopClass();
    }

    /** Counts outcomes and prints them, from several threads. */
    static final class Report
    {
        final AtomicLong done = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong warnings = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        private final PrintStream out;
        private final PrintStream err;
        private final boolean verbose;
        private boolean progressShown;

        Report(final PrintStream out, final PrintStream err, final boolean verbose)
        {
            this.out = out;
            this.err = err;
            this.verbose = verbose;
        }

        void status(final Instance instance, final int status)
        {
            if (Status.isFailure(status))
            {
                failed(instance, String.format("status 0x%04X %s", status, Status.describe(status)));
                return;
            }
            bytes.addAndGet(instance.length());
            if (Status.isWarning(status))
            {
                warnings.incrementAndGet();
                line(err, String.format("%s: warning, status 0x%04X %s", instance.path(), status,
                    Status.describe(status)));
            }
            else if (verbose)
            {
                line(out, String.format("%s: stored %s (status 0x%04X)", instance.path(), instance.sopInstance(),
                    status));
            }
            done.incrementAndGet();
        }

        void failed(final Instance instance, final String why)
        {
            failed.incrementAndGet();
            line(err, instance.path() + ": FAILED: " + why);
            done.incrementAndGet();
        }

        void skipped(final Path path, final String why)
        {
            line(err, path + ": skipped, " + why);
        }

        void error(final String message)
        {
            line(err, "storescu: " + message);
        }

        synchronized void line(final PrintStream stream, final String text)
        {
            if (progressShown)
            {
                err.print("\r\033[K");
                progressShown = false;
            }
            stream.println(text);
        }

        synchronized void progress(final String text)
        {
            err.print("\r\033[K" + text);
            err.flush();
            progressShown = true;
        }

        synchronized void clearProgress()
        {
            if (progressShown)
            {
                err.print("\r\033[K");
                err.flush();
                progressShown = false;
            }
        }
    }

    /** The carriage-return progress line on stderr, updated four times a second. */
    static final class Progress
    {
        private final Report report;
        private final long total;
        private final Thread thread;
        private volatile boolean running = true;

        Progress(final Report report, final long total)
        {
            this.report = report;
            this.total = total;
            this.thread = new Thread(this::run, "storescu-progress");
            this.thread.setDaemon(true);
        }

        void start()
        {
            thread.start();
        }

        private void run()
        {
            final long start = System.nanoTime();
            while (running)
            {
                try
                {
                    Thread.sleep(250);
                }
                catch (final InterruptedException ex)
                {
                    return;
                }
                if (!running)
                {
                    return;
                }
                final double seconds = (System.nanoTime() - start) / 1e9;
                final double megabytes = report.bytes.get() / MB;
                report.progress(String.format("%d/%d instances, %d failed, %.1f MB, %.1f MB/s", report.done.get(),
                    total, report.failed.get(), megabytes, megabytes / seconds));
            }
        }

        void stop() throws InterruptedException
        {
            running = false;
            thread.interrupt();
            thread.join();
            report.clearProgress();
        }
    }
}
