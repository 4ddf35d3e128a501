package org.dimse4j.ae;

import org.dimse4j.service.Verification;
import org.dimse4j.ul.AssociationException;
import org.dimse4j.ul.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.*;

@Timeout(60)
class EchoLoopbackTest
{
    @Test
    void shouldEchoAndReleaseBetweenOurOwnScuAndScp() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("ECHOSCP").acceptVerification().build();
        final ApplicationEntity scu = ApplicationEntity.named("ECHOSCU").dimseTimeoutMs(10_000).build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            try (ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "ECHOSCP",
                ContextRequest.of(Verification.SOP_CLASS)))
            {
                for (int i = 0; i < 1000; i++)
                {
                    assertEquals(0, assoc.echo());
                }
                assoc.release();
                assertEquals(Outcome.RELEASED, assoc.association().outcome());
            }
        }
    }

    @Test
    void shouldEchoWhenBothSidesBlockAtOnceOrNeverBlock() throws Exception
    {
        for (final long spinMicros : new long[] {0, Long.MAX_VALUE})
        {
            final ApplicationEntity scp = ApplicationEntity.named("ECHOSCP").acceptVerification()
                .spinMicros(spinMicros).build();
            final ApplicationEntity scu = ApplicationEntity.named("ECHOSCU").dimseTimeoutMs(10_000)
                .spinMicros(spinMicros).build();
            assertEquals(spinMicros == 0 ? 0 : Long.MAX_VALUE, scu.spinNanos());
            try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0));
                ClientAssociation assoc = scu.connect("127.0.0.1", server.port(), "ECHOSCP",
                    ContextRequest.of(Verification.SOP_CLASS)))
            {
                for (int i = 0; i < 200; i++)
                {
                    assertEquals(0, assoc.echo());
                }
                assoc.release();
                assertEquals(Outcome.RELEASED, assoc.association().outcome());
            }
        }
        assertThrows(IllegalArgumentException.class, () -> ApplicationEntity.named("X").spinMicros(-1));
    }

    @Test
    void shouldBeRejectedWhenCalledAeTitleIsWrongAndRequired() throws Exception
    {
        final ApplicationEntity scp = ApplicationEntity.named("ECHOSCP").acceptVerification()
            .requireCalledAeTitle(true).build();
        final ApplicationEntity scu = ApplicationEntity.named("ECHOSCU").build();
        try (Server server = scp.listen(new InetSocketAddress("127.0.0.1", 0)))
        {
            final AssociationException ex = assertThrows(AssociationException.class, () -> scu.connect(
                "127.0.0.1", server.port(), "WRONG", ContextRequest.of(Verification.SOP_CLASS)));
            assertEquals(Outcome.REJECTED, ex.outcome());
            assertEquals(1, ex.rejectResult());
            assertEquals(1, ex.rejectSource());
            assertEquals(7, ex.rejectReason());
        }
    }
}
