/* RFC 3161 timestamps of a Sigstore bundle (docs/signing.md, "Sigstore"): a timestamp
 * authority of the trusted root signed, at its genTime, the digest of the bundle's signature.
 * A verified timestamp is a signing time the Fulcio certificate must be valid at, as Rekor's
 * integrated time is. Read with OpenSSL's TS API. */
#ifndef MC_TSA_H
#define MC_TSA_H

#include <stddef.h>
#include <stdint.h>

#include "mc_trusted_root.h"

#define MC_TSA_MAX_TIMESTAMPS 8     /* rfc3161Timestamps[] of one bundle */
#define MC_TSA_MAX_DER 65536        /* bytes of one signedTimestamp */

/* Verifies one timestamp, der (a DER TimeStampResp, what protobuf-specs'
 * RFC3161SignedTimestamp holds; a bare TimeStampToken is taken too), over data (the bundle's
 * signature bytes): granted, version 1, its message imprint the digest of data, and signed by
 * a timestamp authority of the trusted root whose window holds its genTime, the authority's
 * certificate chaining to the root's chain at that time (OpenSSL's timestamp-signing purpose:
 * a critical timeStamping extended key usage). On MC_OK *gen_time is its genTime (seconds
 * since the epoch). Every rejection is MC_EINPUT with its own message; MC_ENOMEM. */
int mc_tsa_verify(int64_t *gen_time, const unsigned char *der, size_t len,
                  const unsigned char *data, size_t data_len, const mc_trusted_root *tr);

#endif
