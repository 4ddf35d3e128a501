package org.dimse4j.testing;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;

/** Direct memory in use, as the JVM's "direct" buffer pool MX bean counts it (all direct ByteBuffers). */
public final class DirectMemory
{
    private static final BufferPoolMXBean DIRECT = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
        .stream().filter(pool -> "direct".equals(pool.getName())).findFirst()
        .orElseThrow(() -> new IllegalStateException("no \"direct\" buffer pool MX bean"));

    private DirectMemory()
    {
    }

    /** @return bytes of direct memory in use now. */
    public static long used()
    {
        return DIRECT.getMemoryUsed();
    }
}
