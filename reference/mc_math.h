/* Portable elementary functions: built only from +, -, *, / and exact bit
 * operations (no libm, no FMA), so they return the same bits with any
 * compiler, flags or machine. The reference numerics depend on this.
 * Accuracy: within 2 ulp of the true double result over the documented range. */
#ifndef MC_MATH_H
#define MC_MATH_H

double mc_exp(double x); /* exp; 0 below -745, +inf above 709.8 */
double mc_log(double x); /* natural log; x > 0 (returns -inf for 0, NaN below) */
double mc_tanh(double x);
/* Logistic sigmoid 1 / (1 + exp(-x)), stable for large |x|. */
double mc_sigmoid(double x);

#endif
