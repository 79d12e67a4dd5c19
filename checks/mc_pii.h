/* Personal data detectors (docs/privacy.md): each one validates a value, not
 * a bare pattern (check digits, ranges, real dates), so a column of
 * Luhn-failing 16-digit numbers is not a card column. The detectors are the
 * values of mc_pii_detector (mc_spec_enums.h); column names add context in
 * English and Chinese. Pure functions: no allocation, no error state. */
#ifndef MC_PII_H
#define MC_PII_H

#include <stddef.h>

#include "mc_spec_enums.h"

/* Context bits a column name gives (mc_pii_name_context). */
enum {
    MC_PII_CTX_EMAIL = 1 << 0,   /* email, e-mail, mail, 邮箱, 电子邮件 */
    MC_PII_CTX_PHONE = 1 << 1,   /* phone, mobile, tel, cell, 电话, 手机 */
    MC_PII_CTX_ID = 1 << 2,      /* id_number, national_id, ssn, passport, 身份证, 证件 */
    MC_PII_CTX_NAME = 1 << 3,    /* name, surname, first_name, 姓名, 名字 */
    MC_PII_CTX_ADDRESS = 1 << 4, /* address, street, 地址, 住址 */
    MC_PII_CTX_BIRTH = 1 << 5,   /* birth, dob, birthday, 出生, 生日 */
    MC_PII_CTX_CARD = 1 << 6,    /* card, credit, pan, 卡号, 银行卡 */
    MC_PII_CTX_IBAN = 1 << 7,    /* iban, account, 账号, 账户 */
    MC_PII_CTX_IP = 1 << 8       /* ip, ip_address, 地址 is not it: "ip" as a word */
};

/* The context bits of a column name: case-insensitive English words (split
 * at '_', '-', ' ', '.') and Chinese substrings. */
unsigned mc_pii_name_context(const char *column);

/* The context bit that supports `detector` (0 for none). */
unsigned mc_pii_detector_context(int detector);

/* 1 when s[0..n) is a validated value for `detector`: */
int mc_pii_is_email(const char *s, size_t n);
/* E.164 (+ and 8 to 15 digits), North American (NANP, with optional +1 or 1
 * and separators), Chinese mobile (1[3-9] and 9 digits, optional +86/86). */
int mc_pii_is_phone(const char *s, size_t n);
/* 13 to 19 digits (spaces or dashes between groups), a known issuer's prefix
 * and length, and the Luhn check. */
int mc_pii_is_card(const char *s, size_t n);
/* Country code, its registered length, and ISO 7064 mod 97-10 == 1. */
int mc_pii_is_iban(const char *s, size_t n);
/* GB 11643-1999: 6-digit region (province 11 to 82), a real birth date
 * from 1900 to 2099, 3-digit sequence, MOD 11-2 check character. */
int mc_pii_is_cn_id(const char *s, size_t n);
/* AAA-GG-SSSS (or 9 digits when `bare_ok`): area not 000, 666 or 900-999,
 * group not 00, serial not 0000, and not the advertised 078-05-1120. */
int mc_pii_is_ssn(const char *s, size_t n, int bare_ok);
int mc_pii_is_ipv4(const char *s, size_t n);
int mc_pii_is_ipv6(const char *s, size_t n);
/* A real calendar date from 1900 to `max_year`: YYYY-MM-DD, YYYY/MM/DD,
 * YYYYMMDD, DD/MM/YYYY or DD.MM.YYYY. */
int mc_pii_is_date(const char *s, size_t n, int max_year);

/* Whether s[0..n) matches `detector` given the column's context bits (a
 * bare 9-digit SSN and a date of birth need the name's context; column_name
 * never matches a value). */
int mc_pii_match(int detector, const char *s, size_t n, unsigned context);

/* A masked form of a value safe to print: an email as j***@e***.com, any
 * other value as its character classes with every letter and digit but the
 * last two digits hidden ("***-***-**34"), at most cap - 1 bytes. Never the
 * value itself. */
void mc_pii_mask(char *out, size_t cap, int detector, const char *s, size_t n);

#endif
