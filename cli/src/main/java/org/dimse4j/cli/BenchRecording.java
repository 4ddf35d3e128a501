package org.dimse4j.cli;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.Recorder;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The latencies of a {@code bench} run: every operation recorded (wait-free, no allocation) into an HdrHistogram
 * {@link Recorder}; once a second a reporter thread takes the interval histogram, writes it to the .hlog, adds it
 * to the run's total and prints the progress line. At the end: the summary, the .hgrm percentile distribution and
 * the plot.
 */
final class BenchRecording
{
    /** Longest latency recorded: one minute (longer ones are clamped to it). */
    static final long HIGHEST_NS = 60_000_000_000L;
    /** The .hgrm files and plots are in microseconds. */
    static final double NS_PER_US = 1000.0;
    private static final int DIGITS = 3;
    private static final String SERVICE_TAG = "service";

    private final String operation;
    private final long intervalNs;
    private final String prefix;
    private final String plotFormat;
    private final PrintStream progress;
    private final Recorder response = new Recorder(HIGHEST_NS, DIGITS);
    private final Recorder service;
    private final Histogram total = new Histogram(HIGHEST_NS, DIGITS);
    private final Histogram serviceTotal;
    private final ByteArrayOutputStream hlogBytes = new ByteArrayOutputStream();
    private final HistogramLogWriter hlog;
    private Histogram interval;
    private Histogram serviceInterval;
    private Thread reporter;
    private volatile boolean running;
    private volatile BenchScu.Lane[] lanes;
    private long startNs;
    private long endNs;
    private boolean progressShown;

    /**
     * @param operation  e.g. "C-ECHO".
     * @param intervalNs expected interval between an association's operations in the open model, 0 in a closed
     *                   loop.
     * @param prefix     where the files go (PREFIX.hlog ...), or null.
     * @param plotFormat html or svg.
     * @param progress   where the progress line goes, or null for none.
     */
    BenchRecording(final String operation, final long intervalNs, final String prefix, final String plotFormat,
        final PrintStream progress)
    {
        this.operation = operation;
        this.intervalNs = intervalNs;
        this.prefix = prefix;
        this.plotFormat = plotFormat;
        this.progress = progress;
        this.service = intervalNs > 0 ? new Recorder(HIGHEST_NS, DIGITS) : null;
        this.serviceTotal = intervalNs > 0 ? new Histogram(HIGHEST_NS, DIGITS) : null;
        this.hlog = prefix == null ? null : new HistogramLogWriter(new PrintStream(hlogBytes, true,
            StandardCharsets.UTF_8));
    }

    /**
     * Records one operation, on its association's thread.
     *
     * @param fromIntendedNs latency from the intended start (the actual send in a closed loop).
     * @param fromSendNs     latency from the actual send.
     */
    void record(final long fromIntendedNs, final long fromSendNs)
    {
        response.recordValue(Math.min(Math.max(0, fromIntendedNs), HIGHEST_NS));
        if (service != null)
        {
            service.recordValueWithExpectedInterval(Math.min(Math.max(0, fromSendNs), HIGHEST_NS), intervalNs);
        }
    }

    /** Starts measuring (at the start line, after the warm-up): clears the recorders, starts the reporter. */
    void start()
    {
        interval = response.getIntervalHistogram();
        if (service != null)
        {
            serviceInterval = service.getIntervalHistogram();
        }
        startNs = System.nanoTime();
        final long startMs = System.currentTimeMillis();
        if (hlog != null)
        {
            hlog.outputComment("dimse4j bench " + operation + (intervalNs > 0 ? ", open model: latency from the " +
                "intended start; tag " + SERVICE_TAG + ": from the actual send, expected-interval corrected" :
                ", closed loop: latency from the send") + "; values in nanoseconds");
            hlog.outputLogFormatVersion();
            hlog.outputStartTime(startMs);
            hlog.setBaseTime(startMs);
            hlog.outputLegend();
        }
        running = true;
        reporter = new Thread(this::report, "bench-reporter");
        reporter.setDaemon(true);
        reporter.start();
    }

    private void report()
    {
        long next = startNs;
        while (running)
        {
            next += 1_000_000_000L;
            long wait;
            while (running && (wait = next - System.nanoTime()) > 0)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(this, wait);
            }
            if (!running)
            {
                return;
            }
            synchronized (this)
            {
                takeInterval();
                showProgress();
            }
        }
    }

    /** Takes the interval histograms into the totals and the .hlog; on the reporter thread, or at the end. */
    private void takeInterval()
    {
        interval = response.getIntervalHistogram(interval);
        total.add(interval);
        if (hlog != null)
        {
            hlog.outputIntervalHistogram(interval);
        }
        if (service != null)
        {
            serviceInterval = service.getIntervalHistogram(serviceInterval);
            serviceTotal.add(serviceInterval);
            serviceInterval.setTag(SERVICE_TAG);
            if (hlog != null)
            {
                hlog.outputIntervalHistogram(serviceInterval);
            }
        }
    }

    private void showProgress()
    {
        final BenchScu.Lane[] all = lanes;
        if (progress == null)
        {
            return;
        }
        long done = 0;
        long failed = 0;
        long bytes = 0;
        if (all != null)
        {
            for (final BenchScu.Lane lane : all)
            {
                done += lane.completed.get();
                failed += lane.failed.get();
                bytes += lane.bytes.get();
            }
        }
        final double seconds = (System.nanoTime() - startNs) / 1e9;
        progress.printf("\r\033[K%s %4.0f s: %d ops, %.0f ops/s, %.1f MB/s, last second p50 %.1f us p99 %.1f us%s",
            operation, seconds, done, interval.getTotalCount() / 1.0, bytes / 1e6 / seconds,
            interval.getValueAtPercentile(50) / NS_PER_US, interval.getValueAtPercentile(99) / NS_PER_US,
            failed > 0 ? ", " + failed + " failed" : "");
        progress.flush();
        progressShown = true;
    }

    /** Lets the progress line read the associations' counters. */
    void lanes(final BenchScu.Lane[] lanes)
    {
        this.lanes = lanes;
    }

    /** Stops the reporter and takes the last interval. */
    void stop(final BenchScu.Lane[] all)
    {
        lanes = all;
        running = false;
        if (reporter == null)
        {
            return; // never started
        }
        reporter.interrupt();
        try
        {
            reporter.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        synchronized (this)
        {
            endNs = 0;
            for (final BenchScu.Lane lane : all)
            {
                endNs = Math.max(endNs, lane.finished);
            }
            takeInterval();
            if (progressShown)
            {
                progress.print("\r\033[K");
                progress.flush();
            }
        }
    }

    /** @return the whole run's latency histogram (nanoseconds). */
    Histogram total()
    {
        return total;
    }

    Result summary(final BenchScu.Lane[] all, final int associations, final int requestedWindow, final double rate,
        final long expected, final int failedLanes)
    {
        long done = 0;
        long failed = 0;
        long bytes = 0;
        long matches = 0;
        long sent = 0;
        long allocated = 0;
        int minWindow = Integer.MAX_VALUE;
        int maxWindow = 0;
        String firstFailure = null;
        for (final BenchScu.Lane lane : all)
        {
            done += lane.completed.get();
            failed += lane.failed.get();
            bytes += lane.bytes.get();
            matches += lane.matches.get();
            sent += lane.sent.get();
            if (lane.error == null)
            {
                minWindow = Math.min(minWindow, lane.grantedWindow);
                maxWindow = Math.max(maxWindow, lane.grantedWindow);
            }
            if (firstFailure == null)
            {
                firstFailure = lane.firstFailure;
            }
            allocated = allocated < 0 || lane.loopAllocatedBytes < 0 ? -1 : allocated + lane.loopAllocatedBytes;
        }
        final double seconds = startNs == 0 ? 0 : Math.max(1e-9, (endNs - startNs) / 1e9);
        final String granted = maxWindow == 0 ? "-" : minWindow == maxWindow ? Integer.toString(maxWindow) :
            minWindow + ".." + maxWindow;
        final Histogram serviceCopy = serviceTotal;
        return new Result(operation, done, failed, bytes, matches, seconds, associations, requestedWindow, granted,
            rate, expected, failedLanes, firstFailure, total, serviceCopy, allocated, sent - done);
    }

    /** Writes PREFIX.hlog, PREFIX.hgrm (and PREFIX.service.hgrm in the open model) and the plot. */
    void writeFiles(final PrintStream out) throws IOException
    {
        if (prefix == null)
        {
            return;
        }
        final Path hlogPath = Path.of(prefix + ".hlog");
        if (hlogPath.toAbsolutePath().getParent() != null)
        {
            Files.createDirectories(hlogPath.toAbsolutePath().getParent());
        }
        Files.write(hlogPath, hlogBytes.toByteArray());
        final Path hgrm = Path.of(prefix + ".hgrm");
        writeHgrm(total, hgrm);
        final List<BenchPlot.Series> series;
        if (serviceTotal != null)
        {
            final Path serviceHgrm = Path.of(prefix + ".service.hgrm");
            writeHgrm(serviceTotal, serviceHgrm);
            series = List.of(BenchPlot.parse(name(hgrm), hgrm),
                BenchPlot.parse(name(hgrm) + " (service time, corrected)", serviceHgrm));
        }
        else
        {
            series = List.of(BenchPlot.parse(name(hgrm), hgrm));
        }
        final Path plot = Path.of(prefix + "." + plotFormat);
        BenchPlot.write(plot, "dimse4j bench " + operation + ": latency by percentile", series);
        out.println("wrote " + hlogPath + ", " + hgrm + (serviceTotal != null ? ", " + prefix + ".service.hgrm" : "") +
            ", " + plot);
    }

    private static String name(final Path hgrm)
    {
        final String file = hgrm.getFileName().toString();
        return file.endsWith(".hgrm") ? file.substring(0, file.length() - 5) : file;
    }

    /**
     * Writes a histogram's percentile distribution in microseconds, as HdrHistogram's plotter reads it.
     *
     * @param histogram nanoseconds.
     * @param file      the .hgrm file.
     */
    static void writeHgrm(final Histogram histogram, final Path file) throws IOException
    {
        try (PrintStream stream = new PrintStream(file.toFile(), StandardCharsets.UTF_8))
        {
            histogram.outputPercentileDistribution(stream, 5, NS_PER_US);
        }
        catch (final FileNotFoundException ex)
        {
            throw new IOException("cannot write " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * What a run measured.
     *
     * @param operation    e.g. C-ECHO.
     * @param done         operations answered.
     * @param failed       of which with a failure status.
     * @param bytes        payload bytes of the successful ones.
     * @param matches      C-FIND matches (Pending responses).
     * @param seconds      measured time.
     * @param associations associations asked for.
     * @param window       window asked for.
     * @param granted      window granted (a range when associations differ), "-" if none was established.
     * @param rate         the open model's rate, 0 for a closed loop.
     * @param expected     operations asked for, -1 when by duration.
     * @param failedLanes  associations that failed.
     * @param firstFailure the first failure status seen, or null.
     * @param latency      latency histogram (ns).
     * @param service      open model: the corrected service-time histogram (ns); else null.
     * @param allocated    heap bytes the associations' threads allocated while measuring, -1 if unknown.
     * @param unanswered   measured requests sent without a final response (their associations failed).
     */
    record Result(String operation, long done, long failed, long bytes, long matches, double seconds,
        int associations, int window, String granted, double rate, long expected, int failedLanes,
        String firstFailure, Histogram latency, Histogram service, long allocated, long unanswered)
    {
        /** @return operations answered with Success or a warning (for C-STORE: instances the peer took). */
        long succeeded()
        {
            return done - failed;
        }

        /** @return the summary as one JSON object on one line (what --summary-json writes). */
        String json()
        {
            final StringBuilder json = new StringBuilder(512).append('{');
            json.append("\"operation\":\"").append(operation).append('"')
                .append(",\"answered\":").append(done)
                .append(",\"succeeded\":").append(succeeded())
                .append(",\"failed\":").append(failed)
                .append(",\"unanswered\":").append(unanswered)
                .append(",\"failed_associations\":").append(failedLanes)
                .append(",\"associations\":").append(associations)
                .append(",\"window_requested\":").append(window)
                .append(",\"window_granted\":\"").append(granted).append('"')
                .append(",\"bytes\":").append(bytes)
                .append(",\"matches\":").append(matches)
                .append(",\"seconds\":").append(String.format(java.util.Locale.ROOT, "%.3f", seconds))
                .append(",\"ops_per_s\":").append(String.format(java.util.Locale.ROOT, "%.1f", opsPerSecond()))
                .append(",\"mb_per_s\":").append(String.format(java.util.Locale.ROOT, "%.2f", megabytesPerSecond()));
            if (done > 0)
            {
                json.append(",\"latency_us\":{");
                final double[] percentiles = {50, 90, 99, 99.9};
                for (final double p : percentiles)
                {
                    json.append('"').append(p == Math.rint(p) ? Long.toString((long)p) : Double.toString(p))
                        .append("\":").append(String.format(java.util.Locale.ROOT, "%.1f", micros(p))).append(',');
                }
                json.append("\"max\":").append(String.format(java.util.Locale.ROOT, "%.1f",
                    latency.getMaxValue() / NS_PER_US)).append('}');
            }
            if (firstFailure != null)
            {
                json.append(",\"first_failure\":\"").append(firstFailure.replace("\\", "\\\\").replace("\"", "\\\""))
                    .append('"');
            }
            json.append(",\"exit_code\":").append(exitCode());
            return json.append("}\n").toString();
        }

        double opsPerSecond()
        {
            return seconds > 0 ? done / seconds : 0;
        }

        double megabytesPerSecond()
        {
            return seconds > 0 ? bytes / 1e6 / seconds : 0;
        }

        /** @param percentile 0..100. @return microseconds. */
        double micros(final double percentile)
        {
            return latency.getValueAtPercentile(percentile) / NS_PER_US;
        }

        int exitCode()
        {
            final boolean complete = expected < 0 ? done > 0 : done == expected;
            return failedLanes == 0 && failed == 0 && complete ? 0 : 1;
        }

        void print(final PrintStream out, final PrintStream err)
        {
            out.printf("%s: %d ops (%d failed) in %.3f s on %d association%s, window %d requested / %s granted%s%n",
                operation, done, failed, seconds, associations, associations == 1 ? "" : "s", window, granted,
                rate > 0 ? String.format(", open model at %.0f ops/s", rate) : ", closed loop");
            out.printf("throughput: %.0f ops/s, %.1f MB/s%s%n", opsPerSecond(), megabytesPerSecond(),
                matches > 0 ? String.format(", %d matches (%.1f per op)", matches, done > 0 ? matches / (double)done : 0) :
                "");
            if (done == 0)
            {
                err.printf("%s: no operation answered%s%n", operation,
                    expected >= 0 ? " of the " + expected + " asked for" : "");
                return;
            }
            out.printf("latency (us%s): p50 %.1f  p90 %.1f  p99 %.1f  p99.9 %.1f  max %.1f%n",
                rate > 0 ? ", from intended start" : "", micros(50), micros(90), micros(99), micros(99.9),
                latency.getMaxValue() / NS_PER_US);
            if (service != null)
            {
                out.printf("service time (us, from the send, expected-interval corrected): p50 %.1f  p99 %.1f  " +
                    "p99.9 %.1f  max %.1f%n", service.getValueAtPercentile(50) / NS_PER_US,
                    service.getValueAtPercentile(99) / NS_PER_US, service.getValueAtPercentile(99.9) / NS_PER_US,
                    service.getMaxValue() / NS_PER_US);
            }
            if (allocated >= 0)
            {
                out.printf("client loop allocation: %.2f B/op (%d bytes while measuring)%n", allocated / (double)done,
                    allocated);
            }
            if (firstFailure != null)
            {
                err.println("first failure: " + firstFailure);
            }
            if (expected >= 0 && done != expected)
            {
                err.printf("%s: %d of %d operations answered%n", operation, done, expected);
            }
        }
    }
}
