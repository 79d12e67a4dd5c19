/* Text reports of the signing verbs: sign, verify, digest and certify (where the audit
 * event went is the CLI's, with -v: mc_report_audit_recorded). */
#include "mc_report_sign.h"

#include <string.h>

#include "mc_str.h"

void mc_report_sign_text(FILE *f, FILE *err, const char *path, const mc_sign_result *r)
{
    if (r->warning)
        fprintf(err, "modelcert: warning: %s\n", r->warning);
    if (!f)
        return;
    fprintf(f, "signed %zu resource%s of %s: sha256:%s\n  signature: %s\n", r->resources,
            r->resources == 1 ? "" : "s", path, r->subject, r->signature);
}

void mc_report_verify_text(FILE *f, const char *path, const mc_verify_result *r)
{
    if (r->verified)
        fprintf(f, "verified: %s (%zu resource%s, sha256:%s), signed by %s\n", path,
                r->resources, r->resources == 1 ? "" : "s", r->subject, r->signer);
    else {
        char shown[MC_STR_PRINTABLE_CAP(sizeof r->reason)]; /* reasons quote file names */
        fprintf(f, "FAILED: %s: %s\n", path,
                mc_str_printable(shown, sizeof shown, r->reason, strlen(r->reason)));
    }
}

void mc_report_verify_bundle_text(FILE *f, const char *artifact,
                                  const mc_verify_bundle_result *r)
{
    char shown[MC_STR_PRINTABLE_CAP(sizeof r->reason)];
    if (r->verified)
        fprintf(f, "verified: %s, signed by %s\n", artifact,
                mc_str_printable(shown, sizeof shown, r->signer, strlen(r->signer)));
    else
        fprintf(f, "FAILED: %s: %s\n", artifact,
                mc_str_printable(shown, sizeof shown, r->reason, strlen(r->reason)));
}

void mc_report_digest_text(FILE *f, const char *path, const char *hex)
{
    fprintf(f, "sha256:%s  %s\n", hex, path);
}

void mc_report_certify_text(FILE *f, FILE *err, const char *run_dir, const mc_certify_result *r)
{
    if (r->warning)
        fprintf(err, "modelcert: warning: %s\n", r->warning);
    if (f)
        fprintf(f,
                "certified %s: %s (%zu passed, %zu warned), %s sha256:%s\n"
                "  signature (%s): %s\n  release certificate: %s\n"
                "  ML-BOM (CycloneDX): %s/bom.cdx.json sha256:%s\n",
                run_dir, r->result, r->passed, r->warned, r->onnx_model ? "model.onnx" : "model",
                r->model, r->format, r->signature, r->certificate, run_dir, r->bom);
    if (f && r->encrypted)
        fprintf(f, "  encrypted model: model.mcm.age sha256:%s (the model above is its clear "
                "content)\n", r->encrypted_sha256);
    if (!f || r->onnx_model) /* the model itself is ONNX: nothing to export */
        return;
    if (r->has_onnx)
        fprintf(f, "  onnx export: model.onnx sha256:%s\n", r->onnx);
    else /* a note, not an error: not every deployment uses ONNX */
        fprintf(f, "  note: no model.onnx: export first if you deploy ONNX\n");
}
