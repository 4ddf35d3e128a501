package org.dimse4j.ae;

import org.dimse4j.service.Verification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/**
 * 200 associations open at once on one server, each answering C-ECHO; when they are gone, the server holds no
 * association and the off-heap memory they used is back (checked through the direct buffer pool MX bean).
 */
@Timeout(120)
class ManyAssociationsTest
{
    private static final int ASSOCIATIONS = 200;

    @Test
    void shouldServe200AssociationsAtOnceAndGiveTheirMemoryBack() throws Exception
    {
        final BufferPoolMXBean direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
            .filter(pool -> "direct".equals(pool.getName())).findFirst().orElseThrow();
        final ApplicationEntity scp = ApplicationEntity.named("SCP").acceptVerification().eventLoops(2).build();
        final ApplicationEntity scu = ApplicationEntity.named("SCU").dimseTimeoutMs(30_000).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final long before = direct.getMemoryUsed();
            final List<ClientAssociation> open = new ArrayList<>();
            final ExecutorService threads = Executors.newFixedThreadPool(8);
            try
            {
                final List<Future<ClientAssociation>> connects = new ArrayList<>();
                for (int i = 0; i < ASSOCIATIONS; i++)
                {
                    connects.add(threads.submit(() -> scu.connect("127.0.0.1", server.port(), "SCP",
                        ContextRequest.of(Verification.SOP_CLASS))));
                }
                for (final Future<ClientAssociation> connect : connects)
                {
                    open.add(connect.get());
                }
                assertEquals(ASSOCIATIONS, server.openAssociations());
                for (final ClientAssociation association : open)
                {
                    assertEquals(0, association.echo());
                }
                final long during = direct.getMemoryUsed();
                assertTrue(during > before, "associations hold off-heap buffers");
                for (final ClientAssociation association : open)
                {
                    association.release();
                    association.close();
                }
            }
            finally
            {
                threads.shutdownNow();
                open.forEach(ClientAssociation::close);
            }
            final long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.openAssociations() > 0 && System.nanoTime() < deadline)
            {
                Thread.sleep(10);
            }
            assertEquals(0, server.openAssociations());
            final long after = direct.getMemoryUsed();
            assertTrue(after - before < 4 * 1024 * 1024,
                "direct memory back to its level: before " + before + ", after " + after);
        }
    }
}
