package org.dimse4j.ae;

import org.dimse4j.pdu.PduStrings;

/**
 * A peer application entity this one may open associations to on its own initiative: a C-MOVE destination, or
 * the SCU a Storage Commitment result goes back to.
 *
 * @param aeTitle the peer's AE title.
 * @param host    its host name or address.
 * @param port    its TCP port.
 */
public record RemoteAe(String aeTitle, String host, int port)
{
    /**
     * @throws IllegalArgumentException for an invalid AE title, an empty host or a port outside 1-65535.
     */
    public RemoteAe
    {
        PduStrings.checkAeTitle(aeTitle);
        if (host == null || host.isBlank())
        {
            throw new IllegalArgumentException("empty host for AE " + aeTitle);
        }
        if (port < 1 || port > 65535)
        {
            throw new IllegalArgumentException("port " + port + " of AE " + aeTitle + " is outside 1-65535");
        }
    }
}
