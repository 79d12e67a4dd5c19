/* libFuzzer harness: what Sigstore keyless verification reads (tests/fuzz/README.md). Each
 * input is read three ways:
 *  1. as trusted_root.json (mc_trusted_root_parse);
 *  2. as a keyless bundle, verified against the built-in public-good trusted root for a fixed
 *     identity (mc_oms_verify: the verification material, the Rekor entries, their bodies,
 *     inclusion proofs and checkpoints, the SET, the Fulcio certificate and its SCTs);
 *  3. as a checkpoint (signed note) checked under the public-good Rekor key;
 *  4. as an RFC 3161 timestamp response (mc_tsa_verify) over fixed bytes, against the
 *     public-good root's timestamp authority;
 *  5. as a bundle over one artifact (mc_sigstore_verify_artifact, `sigstore verify-bundle`):
 *     a message signature or DSSE envelope, keyless, for the same identity. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mc_error.h"
#include "mc_manifest.h"
#include "mc_oms.h"
#include "mc_rekor.h"
#include "mc_sigstore_artifact.h"
#include "mc_trusted_root.h"
#include "mc_tsa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static mc_trusted_root *good;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!good && mc_trusted_root_default(&good) != MC_OK)
        abort();
    if (size > (1u << 20))
        return 0;
    mc_trusted_root *tr = NULL;
    if (mc_trusted_root_parse(&tr, (const char *)data, size) == MC_OK &&
        (tr->n_cas > MC_TRUSTED_ROOT_MAX_ENTRIES || tr->n_ctlogs > MC_TRUSTED_ROOT_MAX_ENTRIES))
        abort();
    mc_trusted_root_free(tr);

    mc_sigstore_policy p = {.identity = "stefanb@us.ibm.com",
                            .issuer = "https://sigstore.verify.ibm.com/oauth2"};
    mc_oms_trust t = {.root = good, .policy = &p};
    mc_manifest *m = NULL;
    char signer[512];
    if (mc_oms_verify(&m, signer, sizeof signer, (const char *)data, size, &t) == MC_OK &&
        !mc_sha256_hex_valid(m->subject))
        abort();
    mc_manifest_free(m);

    char *note = malloc(size + 1);
    if (!note)
        return 0;
    memcpy(note, data, size);
    note[size] = 0;
    unsigned char root[32] = {0};
    char why[256];
    int ok = 0;
    (void)mc_checkpoint_check(&ok, why, sizeof why, note, good->tlogs[0].key,
                              good->tlogs[0].log_id, 1, root);
    free(note);

    int64_t when = 0;
    static const unsigned char sig[] = "a signature";
    (void)mc_tsa_verify(&when, data, size, sig, sizeof sig, good);

    unsigned char digest[32] = {0};
    char who[1200];
    (void)mc_sigstore_verify_artifact(who, sizeof who, (const char *)data, size, digest, good,
                                      &p, NULL);
    return 0;
}
