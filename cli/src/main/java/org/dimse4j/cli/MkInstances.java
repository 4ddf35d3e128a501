package org.dimse4j.cli;

import org.dimse4j.data.SyntheticInstance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code mkinstances}: writes synthetic Part 10 instances of a chosen size, for load tests and benchmarks.
 */
@Command(name = "mkinstances", mixinStandardHelpOptions = true,
    description = "Writes synthetic Part 10 instances (Explicit VR LE, OW pixel data) for load tests.")
final class MkInstances implements Callable<Integer>
{
    @Option(names = {"-n", "--count"}, paramLabel = "N", description = "Instances (default: ${DEFAULT-VALUE}).")
    int count = 100;

    @Option(names = {"--size"}, paramLabel = "SIZE",
        description = "Pixel data per instance, e.g. 4K, 512K, 50M (default: ${DEFAULT-VALUE}).")
    String size = "512K";

    @Option(names = {"--sop-class"}, paramLabel = "UID",
        description = "SOP Class UID (default: ${DEFAULT-VALUE}, Secondary Capture).")
    String sopClass = "1.2.840.10008.5.1.4.1.1.7";

    @Option(names = {"-od", "--output-directory"}, paramLabel = "DIR", required = true,
        description = "Where to write; created if missing.")
    Path outputDirectory;

    @Override
    public Integer call() throws Exception
    {
        final long bytes = parseSize(size) & ~1L;
        Files.createDirectories(outputDirectory);
        final String root = "2.25." + Long.toUnsignedString(System.nanoTime() ^ Double.doubleToLongBits(Math.random()));
        final String study = root + ".1";
        final String series = root + ".2";
        long total = 0;
        for (int i = 1; i <= count; i++)
        {
            final String uid = root + ".3." + i;
            total += SyntheticInstance.write(outputDirectory.resolve(uid + ".dcm"), sopClass, uid, study, series, bytes);
        }
        System.out.printf("%d instances, %.1f MB in %s%n", count, total / 1e6, outputDirectory);
        return 0;
    }

    static long parseSize(final String text)
    {
        final String t = text.trim().toUpperCase(java.util.Locale.ROOT);
        final long unit = t.endsWith("K") ? 1024 : t.endsWith("M") ? 1024 * 1024 : t.endsWith("G") ? 1L << 30 : 1;
        final String digits = unit == 1 ? t : t.substring(0, t.length() - 1);
        final long value = Long.parseLong(digits) * unit;
        if (value < 2)
        {
            throw new IllegalArgumentException("size must be at least 2 bytes: " + text);
        }
        return value;
    }
}
