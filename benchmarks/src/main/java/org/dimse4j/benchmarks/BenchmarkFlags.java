package org.dimse4j.benchmarks;

/**
 * JVM flags every forked benchmark JVM gets through {@code @Fork(jvmArgsAppend = {...})}.
 * <p>
 * A manifest {@code Add-Opens} entry helps only the JVM started with {@code java -jar}, not JMH's forks, and a
 * {@code -jvmArgsAppend} given on the JMH command line <em>replaces</em> the annotation's value: repeat both flags
 * when overriding it, e.g.
 * <pre>
 *  java -jar benchmarks/target/benchmarks.jar -prof gc \
 *      -jvmArgsAppend "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED -Dagrona.disable.bounds.checks=true -Xmx1g"
 * </pre>
 */
public final class BenchmarkFlags
{
    /** Agrona 2.x reads {@code jdk.internal.misc.Unsafe}; without this it fails with IllegalAccessError. */
    public static final String AGRONA_ADD_OPENS = "--add-opens=java.base/jdk.internal.misc=ALL-UNNAMED";

    /** Production setting: Agrona buffers skip their bounds checks (our decoders check lengths themselves). */
    public static final String DISABLE_BOUNDS_CHECKS = "-Dagrona.disable.bounds.checks=true";

    private BenchmarkFlags()
    {
    }
}
