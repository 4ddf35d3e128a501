package org.dimse4j.cli;

import org.dimse4j.ae.ApplicationEntity;
import org.dimse4j.ae.ClientAssociation;
import org.dimse4j.ae.ContextRequest;
import org.dimse4j.dimse.CommandDecoder;
import org.dimse4j.dimse.CommandField;
import org.dimse4j.dimse.MessageQueue;
import org.dimse4j.dimse.Status;
import org.dimse4j.pdu.AssociatePdu;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * What {@code bench echo|store|find} share: N associations, one thread each, each keeping up to W operations in
 * flight (the asynchronous operations window the peer granted); for a count or a duration; closed loop, or an open
 * model at a fixed rate. Every operation's latency goes into an HdrHistogram {@link BenchRecording}.
 * <p>
 * Requests go out with {@link ClientAssociation#beginMsg}/{@code sendMsg} and responses come back through
 * {@link ClientAssociation#getMsg}: the loop itself allocates nothing per operation (start times live in arrays
 * indexed by Message ID).
 */
abstract class BenchScu implements Callable<Integer>
{
    private static final int MESSAGE_IDS = 1 << 16;
    private static final long DEFAULT_COUNT = 10_000;

    @Parameters(index = "0", paramLabel = "HOST", description = "Peer host name or address.")
    String host;

    @Parameters(index = "1", paramLabel = "PORT", description = "Peer TCP port.")
    int port;

    @Option(names = {"-aet", "--aetitle"}, paramLabel = "AETITLE", description = "Our AE title (default: ${DEFAULT-VALUE}).")
    String aeTitle = "BENCHSCU";

    @Option(names = {"-aec", "--call"}, paramLabel = "AETITLE",
        description = "Called AE title of the peer (default: ${DEFAULT-VALUE}).")
    String calledAeTitle = "ANY-SCP";

    @Option(names = {"--associations"}, paramLabel = "N",
        description = "Associations at once, one thread each (default: ${DEFAULT-VALUE}).")
    int associations = 1;

    @Option(names = {"--window"}, paramLabel = "W",
        description = "Asynchronous operations window to request: up to W operations in flight per association; " +
            "the peer may grant fewer (the summary says what it granted; default: ${DEFAULT-VALUE}).")
    int window = 1;

    @Option(names = {"--count"}, paramLabel = "N",
        description = "Measured operations in all, split over the associations (default: 10000 unless --duration).")
    long count = -1;

    @Option(names = {"--duration"}, paramLabel = "SECONDS",
        description = "Measure for this long (with --count too: whichever ends first).")
    double duration;

    @Option(names = {"--rate"}, paramLabel = "OPS_PER_S",
        description = {"Open model: start operations at this total rate (spread evenly over the associations) " +
            "whatever the responses do, instead of as soon as the window allows (closed loop, the default).",
            "Latency is then measured from each operation's intended start time, so time spent queued behind a " +
                "slow response counts (no coordinated omission); the service time from the actual send is also " +
                "recorded, corrected with HdrHistogram's expected-interval correction (tag 'service' in the .hlog)."})
    double rate;

    @Option(names = {"--warmup"}, paramLabel = "N",
        description = "Operations before measuring, not recorded (split over the associations; default: ${DEFAULT-VALUE}).")
    long warmup;

    @Option(names = {"--out"}, paramLabel = "PREFIX",
        description = "Write PREFIX.hlog (interval histograms, one a second), PREFIX.hgrm (percentile distribution, " +
            "microseconds) and PREFIX.html or PREFIX.svg (a plot; overlay runs with 'bench plot').")
    String out;

    @Option(names = {"--plot-format"}, paramLabel = "html|svg",
        description = "Plot written with --out (default: ${DEFAULT-VALUE}).")
    String plotFormat = "html";

    @Option(names = {"--summary-json"}, paramLabel = "FILE",
        description = "Also write the summary as one JSON object to FILE (for scripts): operations answered, " +
            "succeeded (Success or a warning) and failed (a failure status) counted apart, requests left " +
            "unanswered, associations failed, seconds, rates, latency percentiles (measured operations only, not " +
            "the --warmup ones).")
    Path summaryJson;

    @Option(names = {"--progress"},
        description = "Print the once-a-second progress line on stderr even when it is not a terminal.")
    boolean progress;

    /** The DIMSE timeout a benchmark uses when -td is not given: a silent peer must not hang it forever. */
    static final double DEFAULT_DIMSE_TIMEOUT_SECONDS = 30;

    @Mixin
    NetworkOptions network;

    /** What an association does, prepared once it is established. */
    interface Operation
    {
        /**
         * Sends one request.
         *
         * @param association the association.
         * @return its Message ID.
         * @throws IOException if the association ends.
         */
        int send(ClientAssociation association) throws IOException;

        /** @return payload bytes of the request just sent (a C-STORE's data set), for MB/s. */
        long bytes();
    }

    /** A failure a user must read: no stack trace, non-zero exit. */
    static final class BenchException extends IOException
    {
        private static final long serialVersionUID = 1L;

        BenchException(final String message)
        {
            super(message);
        }
    }

    /** @return the DIMSE operation's name, e.g. "C-ECHO". */
    abstract String operationName();

    /** Prepares what every association shares (instances, identifiers), before any connects. */
    void prepare() throws IOException
    {
    }

    /** @return the presentation contexts to propose. */
    abstract List<ContextRequest> contexts();

    /**
     * @param association an established association.
     * @param lane        its index, 0..associations-1.
     * @return its operation.
     * @throws BenchException if the peer did not accept what the operation needs (the message says which context
     *                        and why).
     */
    abstract Operation operation(ClientAssociation association, int lane) throws IOException;

    /** Releases what {@link #prepare()} made. */
    void cleanup()
    {
    }

    @Override
    public Integer call() throws Exception
    {
        final BenchRecording.Result result = execute(System.out, System.err);
        return result.exitCode();
    }

    /**
     * Runs the benchmark and prints its summary.
     *
     * @param stdout where the summary goes.
     * @param stderr where errors and the progress line go.
     * @return what was measured.
     * @throws Exception for bad options or files that cannot be written.
     */
    BenchRecording.Result execute(final PrintStream stdout, final PrintStream stderr) throws Exception
    {
        validate();
        if (network.dimseTimeout <= 0)
        {
            network.dimseTimeout = DEFAULT_DIMSE_TIMEOUT_SECONDS;
        }
        final long total = count > 0 ? count : duration > 0 ? Long.MAX_VALUE : DEFAULT_COUNT;
        final ApplicationEntity ae = network.apply(ApplicationEntity.named(aeTitle)).requestAsyncWindow(window).build();
        final boolean showProgress = progress || System.console() != null;
        prepare();
        try
        {
            final long laneIntervalNs = rate > 0 ? Math.max(1, Math.round(1e9 * associations / rate)) : 0;
            final BenchRecording recording = new BenchRecording(operationName(), laneIntervalNs, out, plotFormat,
                showProgress ? stderr : null);
            final Lane[] lanes = new Lane[associations];
            final CyclicBarrier startLine = new CyclicBarrier(associations, () ->
            {
                recording.start();
                final long now = System.nanoTime();
                for (final Lane lane : lanes)
                {
                    lane.phaseStart = now;
                    lane.deadline = duration > 0 ? now + Math.round(duration * 1e9) : Long.MAX_VALUE;
                }
            });
            for (int i = 0; i < associations; i++)
            {
                lanes[i] = new Lane(i, ae, share(total, i), share(warmup, i), laneIntervalNs, recording, startLine);
            }
            recording.lanes(lanes);
            final List<Thread> threads = new ArrayList<>();
            for (final Lane lane : lanes)
            {
                final Thread thread = new Thread(lane, "bench-" + (lane.index + 1));
                threads.add(thread);
                thread.start();
            }
            for (final Thread thread : threads)
            {
                thread.join();
            }
            recording.stop(lanes);
            final Set<String> errors = new LinkedHashSet<>();
            int failedLanes = 0;
            for (final Lane lane : lanes)
            {
                if (lane.error != null)
                {
                    failedLanes++;
                    errors.add(lane.error);
                }
            }
            for (final String error : errors)
            {
                stderr.println("bench " + operationName() + ": " + error);
            }
            if (failedLanes > 0)
            {
                stderr.printf("bench %s: %d of %d associations failed%n", operationName(), failedLanes, associations);
            }
            final BenchRecording.Result result = recording.summary(lanes, associations, window, rate,
                count > 0 ? count : -1, failedLanes);
            result.print(stdout, stderr);
            recording.writeFiles(stdout);
            if (summaryJson != null)
            {
                Files.writeString(summaryJson, result.json(), StandardCharsets.UTF_8);
            }
            return result;
        }
        finally
        {
            cleanup();
        }
    }

    private void validate()
    {
        if (associations < 1 || associations > 1024)
        {
            throw new IllegalArgumentException("--associations must be 1..1024");
        }
        if (window < 1 || window > 0xFFFF)
        {
            throw new IllegalArgumentException("--window must be 1..65535");
        }
        if (count == 0 || count < -1 || duration < 0 || rate < 0 || warmup < 0)
        {
            throw new IllegalArgumentException("--count, --duration, --rate and --warmup must be positive");
        }
        if (!"html".equals(plotFormat) && !"svg".equals(plotFormat))
        {
            throw new IllegalArgumentException("--plot-format is html or svg");
        }
    }

    private long share(final long total, final int lane)
    {
        if (total == Long.MAX_VALUE)
        {
            return total;
        }
        return total / associations + (lane < total % associations ? 1 : 0);
    }

    /**
     * The accepted context for a SOP class (and transfer syntax, if given), or a {@link BenchException} saying what
     * the peer answered to each context proposed for it.
     */
    static int acceptedContext(final ClientAssociation association, final String sopClass, final String transferSyntax)
        throws BenchException
    {
        final var assoc = association.association();
        for (int id = 1; id < 256; id += 2)
        {
            if (sopClass.equals(assoc.abstractSyntax(id)) &&
                (transferSyntax == null || transferSyntax.equals(assoc.transferSyntax(id))))
            {
                return id;
            }
        }
        final StringBuilder why = new StringBuilder();
        for (final AssociatePdu.PresentationContext proposed : assoc.associateRequest().presentationContexts())
        {
            if (!sopClass.equals(proposed.abstractSyntax()))
            {
                continue;
            }
            final AssociatePdu.PresentationContext answer = assoc.associateAccept().presentationContext(proposed.id());
            why.append(why.length() == 0 ? "" : "; ").append("context ").append(proposed.id())
                .append(" (transfer syntaxes ").append(String.join(", ", proposed.transferSyntaxes())).append("): ");
            if (answer == null)
            {
                why.append("no answer");
            }
            else if (answer.isAccepted())
            {
                why.append("accepted with ").append(answer.transferSyntax());
            }
            else
            {
                why.append("result ").append(answer.result()).append(' ')
                    .append(AssociatePdu.PresentationContext.describeResult(answer.result()));
            }
        }
        throw new BenchException("the peer did not accept " + sopClass +
            (transferSyntax == null ? "" : " in " + transferSyntax) + ": " + (why.length() == 0 ? "not proposed" : why));
    }

    private static long allocatedBytes()
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        if (threads instanceof com.sun.management.ThreadMXBean counting && counting.isThreadAllocatedMemoryEnabled())
        {
            return counting.getCurrentThreadAllocatedBytes();
        }
        return -1;
    }

    /** One association and its thread. */
    final class Lane implements Runnable
    {
        final int index;
        final AtomicLong completed = new AtomicLong();
        /** Measured requests sent: those beyond {@link #completed} were never answered (the association ended). */
        final AtomicLong sent = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong matches = new AtomicLong();
        volatile long phaseStart;
        volatile long deadline = Long.MAX_VALUE;
        volatile long finished;
        String error;
        String firstFailure;
        int grantedWindow;
        /** Heap bytes this thread allocated in the measured loop, -1 if unknown. */
        long loopAllocatedBytes = -1;

        private final ApplicationEntity ae;
        private final long quota;
        private final long warmupQuota;
        private final long intervalNs;
        private final BenchRecording recording;
        private final CyclicBarrier startLine;
        private final long[] intendedAt = new long[MESSAGE_IDS];
        private final long[] sentAt = new long[MESSAGE_IDS];
        private final long[] sizes = new long[MESSAGE_IDS];
        private final boolean[] outstanding = new boolean[MESSAGE_IDS];

        Lane(final int index, final ApplicationEntity ae, final long quota, final long warmupQuota,
            final long intervalNs, final BenchRecording recording, final CyclicBarrier startLine)
        {
            this.index = index;
            this.ae = ae;
            this.quota = quota;
            this.warmupQuota = warmupQuota;
            this.intervalNs = intervalNs;
            this.recording = recording;
            this.startLine = startLine;
        }

        @Override
        public void run()
        {
            ClientAssociation association = null;
            Operation operation = null;
            boolean started = false;
            try
            {
                try
                {
                    association = ae.connect(host, port, calledAeTitle, contexts(), null);
                    grantedWindow = Math.min(window, association.window());
                    operation = operation(association, index);
                    if (warmupQuota > 0)
                    {
                        loop(association, operation, warmupQuota, false, Long.MAX_VALUE, System.nanoTime());
                    }
                }
                catch (final org.dimse4j.ul.AssociationException ex)
                {
                    error = (association == null ? "association refused by " : "association failed with ") +
                        calledAeTitle + "@" + host + ":" + port + ": " + ex.getMessage();
                }
                catch (final IOException | RuntimeException ex)
                {
                    error = ex.getMessage();
                }
                started = true;
                startLine.await();
                if (error == null)
                {
                    final long allocatedBefore = allocatedBytes();
                    loop(association, operation, quota, true, deadline, phaseStart);
                    loopAllocatedBytes = allocatedBytes() - allocatedBefore;
                    association.release();
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                error = "association " + (index + 1) + ": " + ex.getMessage();
            }
            catch (final InterruptedException | BrokenBarrierException ex)
            {
                error = "interrupted";
                Thread.currentThread().interrupt();
            }
            finally
            {
                finished = System.nanoTime();
                if (!started)
                {
                    try
                    {
                        startLine.await(); // an unexpected error before the start line must not hold the others
                    }
                    catch (final InterruptedException | BrokenBarrierException ignore)
                    {
                        Thread.currentThread().interrupt();
                    }
                }
                if (association != null)
                {
                    association.close();
                }
            }
        }

        /** Keeps up to the granted window in flight until {@code quota} operations are answered or the deadline. */
        private void loop(final ClientAssociation association, final Operation operation, final long quota,
            final boolean record, final long deadline, final long start) throws IOException
        {
            final boolean rated = intervalNs > 0;
            // associations start a fraction of the interval apart, so the open model's arrivals are evenly spread
            long next = start + (rated ? intervalNs * index / associations : 0);
            long issued = 0;
            long answered = 0;
            int inFlight = 0;
            boolean stop = false;
            while (true)
            {
                while (inFlight < grantedWindow && issued < quota && !stop)
                {
                    final long now = System.nanoTime();
                    if (now >= deadline)
                    {
                        stop = true;
                        break;
                    }
                    if (rated && now < next)
                    {
                        break;
                    }
                    final int id = operation.send(association) & 0xFFFF;
                    intendedAt[id] = rated ? next : now;
                    sentAt[id] = now;
                    sizes[id] = operation.bytes();
                    outstanding[id] = true;
                    inFlight++;
                    issued++;
                    if (record)
                    {
                        sent.lazySet(issued);
                    }
                    next += intervalNs;
                }
                if (inFlight == 0)
                {
                    if (issued >= quota || stop || System.nanoTime() >= deadline)
                    {
                        return;
                    }
                    LockSupport.parkNanos(Math.min(next - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(10)));
                    continue;
                }
                final boolean block = !rated || inFlight == grantedWindow || issued >= quota || stop;
                final MessageQueue.ReceivedMessage msg = association.getMsg(block);
                if (msg == null)
                {
                    if (block)
                    {
                        association.abort();
                        throw new IOException("no response within the DIMSE timeout (" + inFlight +
                            " operations outstanding); association aborted");
                    }
                    Thread.onSpinWait();
                    continue;
                }
                final CommandDecoder command = msg.command();
                if (!CommandField.isResponse(command.commandField()))
                {
                    continue; // a request from the peer: nothing a benchmark answers
                }
                final int id = command.messageIdBeingRespondedTo() & 0xFFFF;
                final int status = command.status();
                if (!outstanding[id])
                {
                    continue;
                }
                if (Status.isPending(status))
                {
                    if (record)
                    {
                        matches.lazySet(matches.get() + 1);
                    }
                    continue;
                }
                final long now = System.nanoTime();
                outstanding[id] = false;
                inFlight--;
                answered++;
                if (!record)
                {
                    continue;
                }
                recording.record(now - intendedAt[id], now - sentAt[id]);
                if (Status.isFailure(status))
                {
                    if (firstFailure == null)
                    {
                        firstFailure = String.format("%s-RSP status 0x%04X %s", operationName(), status,
                            Status.describe(status));
                    }
                    failed.lazySet(failed.get() + 1);
                }
                else
                {
                    bytes.lazySet(bytes.get() + sizes[id]);
                }
                completed.lazySet(answered);
            }
        }
    }
}
