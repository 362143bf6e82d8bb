//! L2-regularised logistic regression with non-negative coefficients,
//! fitted by iteratively reweighted least squares (Newton's method).
//!
//! The problem is small (one row per tenant, one column per feature, eight
//! columns), so each Newton step solves a dense system of the size of the
//! feature count by Cholesky decomposition. The intercept is not penalised.
//! Coefficients are kept non-negative by an active set: a coefficient that
//! comes out negative is fixed at zero and the rest refitted, and a fixed
//! one whose gradient would raise it again is released.

/// A fitted model: `P(y) = 1 / (1 + exp(-(intercept + coefficients · x)))`.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The intercept (log-odds with every feature at zero).
    pub intercept: f64,
    /// One coefficient per column, each at least zero.
    pub coefficients: Vec<f64>,
    /// Newton steps taken over all active-set rounds.
    pub iterations: u32,
}

impl Model {
    /// The log-odds of one row.
    pub fn logit(&self, row: &[f64]) -> f64 {
        self.intercept
            + self
                .coefficients
                .iter()
                .zip(row)
                .map(|(c, x)| c * x)
                .sum::<f64>()
    }
}

/// Most Newton steps per active-set round.
const MAX_STEPS: u32 = 100;
/// Convergence: the largest change of a parameter in one step.
const TOLERANCE: f64 = 1e-9;

/// Fits `labels` (true = positive) on `rows` (`columns` values each, row
/// after row), with penalty `l2 × Σ coefficient²/2`.
///
/// Returns `None` when the input is empty or malformed (`rows` not a
/// multiple of `columns`, a label count that differs from the row count,
/// a value that is not finite).
pub fn fit(rows: &[f64], columns: usize, labels: &[bool], l2: f64) -> Option<Model> {
    if columns == 0 || labels.is_empty() || rows.len() != columns * labels.len() {
        return None;
    }
    if rows.iter().any(|v| !v.is_finite()) || !l2.is_finite() || l2 < 0.0 {
        return None;
    }
    let mut active = vec![true; columns];
    let mut model = Model {
        intercept: 0.0,
        coefficients: vec![0.0; columns],
        iterations: 0,
    };
    // Each round fixes or releases one coefficient; 4 × columns rounds is
    // far more than the problem needs and bounds a cycle.
    for _ in 0..4 * columns + 1 {
        newton(rows, columns, labels, l2, &active, &mut model);
        if let Some(worst) = most_negative(&model.coefficients, &active) {
            active[worst] = false;
            model.coefficients[worst] = 0.0;
            continue;
        }
        let gradient = gradient(rows, columns, labels, l2, &model);
        let release = (0..columns)
            .filter(|&j| !active[j] && gradient[j + 1] > 1e-7)
            .max_by(|&a, &b| gradient[a + 1].total_cmp(&gradient[b + 1]));
        match release {
            Some(j) => active[j] = true,
            None => break,
        }
    }
    Some(model)
}

/// Newton steps on the active coefficients (and the intercept) until they
/// settle; steps are halved while they would lower the penalised likelihood.
fn newton(
    rows: &[f64],
    columns: usize,
    labels: &[bool],
    l2: f64,
    active: &[bool],
    model: &mut Model,
) {
    let index: Vec<usize> = (0..columns).filter(|&j| active[j]).collect();
    let size = index.len() + 1;
    for _ in 0..MAX_STEPS {
        model.iterations += 1;
        // Gradient and Hessian over (intercept, active coefficients).
        let mut gradient = vec![0.0; size];
        let mut hessian = vec![0.0; size * size];
        let mut features = vec![0.0; size];
        for (row, &label) in rows.chunks_exact(columns).zip(labels) {
            let p = sigmoid(model.logit(row));
            let residual = f64::from(u8::from(label)) - p;
            let weight = (p * (1.0 - p)).max(1e-12);
            features[0] = 1.0;
            for (slot, &j) in index.iter().enumerate() {
                features[slot + 1] = row[j];
            }
            for a in 0..size {
                gradient[a] += residual * features[a];
                for b in 0..=a {
                    hessian[a * size + b] += weight * features[a] * features[b];
                }
            }
        }
        for (slot, &j) in index.iter().enumerate() {
            gradient[slot + 1] -= l2 * model.coefficients[j];
            hessian[(slot + 1) * size + slot + 1] += l2;
        }
        // A tiny ridge on the intercept keeps the system solvable when every
        // label is the same.
        hessian[0] += 1e-9;
        for a in 0..size {
            for b in a + 1..size {
                hessian[a * size + b] = hessian[b * size + a];
            }
        }
        let Some(step) = solve(&hessian, &gradient, size) else {
            return;
        };
        let before = objective(rows, columns, labels, l2, model);
        let mut scale = 1.0;
        let previous = model.clone();
        loop {
            model.intercept = previous.intercept + scale * step[0];
            for (slot, &j) in index.iter().enumerate() {
                model.coefficients[j] = previous.coefficients[j] + scale * step[slot + 1];
            }
            if objective(rows, columns, labels, l2, model) >= before - 1e-12 || scale < 1e-6 {
                break;
            }
            scale /= 2.0;
        }
        let change = step.iter().map(|s| (s * scale).abs()).fold(0.0, f64::max);
        if change < TOLERANCE {
            return;
        }
    }
}

/// The penalised log-likelihood (higher is better).
fn objective(rows: &[f64], columns: usize, labels: &[bool], l2: f64, model: &Model) -> f64 {
    let likelihood: f64 = rows
        .chunks_exact(columns)
        .zip(labels)
        .map(|(row, &label)| {
            let z = model.logit(row);
            // log σ(z) and log(1 − σ(z)) without overflow.
            let log_p = -softplus(-z);
            let log_q = -softplus(z);
            if label { log_p } else { log_q }
        })
        .sum();
    let penalty: f64 = model.coefficients.iter().map(|c| c * c).sum::<f64>() * l2 / 2.0;
    likelihood - penalty
}

/// The gradient of [`objective`] over (intercept, every coefficient).
fn gradient(rows: &[f64], columns: usize, labels: &[bool], l2: f64, model: &Model) -> Vec<f64> {
    let mut gradient = vec![0.0; columns + 1];
    for (row, &label) in rows.chunks_exact(columns).zip(labels) {
        let residual = f64::from(u8::from(label)) - sigmoid(model.logit(row));
        gradient[0] += residual;
        for (j, x) in row.iter().enumerate() {
            gradient[j + 1] += residual * x;
        }
    }
    for (j, c) in model.coefficients.iter().enumerate() {
        gradient[j + 1] -= l2 * c;
    }
    gradient
}

fn most_negative(coefficients: &[f64], active: &[bool]) -> Option<usize> {
    (0..coefficients.len())
        .filter(|&j| active[j] && coefficients[j] < 0.0)
        .min_by(|&a, &b| coefficients[a].total_cmp(&coefficients[b]))
}

/// The logistic function.
pub fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

fn softplus(z: f64) -> f64 {
    if z > 30.0 { z } else { z.exp().ln_1p() }
}

/// Solves `matrix · x = vector` for a symmetric positive definite matrix
/// (`size` × `size`, row-major) by Cholesky decomposition.
fn solve(matrix: &[f64], vector: &[f64], size: usize) -> Option<Vec<f64>> {
    let mut lower = vec![0.0; size * size];
    for i in 0..size {
        for j in 0..=i {
            let mut sum = matrix[i * size + j];
            for k in 0..j {
                sum -= lower[i * size + k] * lower[j * size + k];
            }
            if i == j {
                if sum <= 0.0 || !sum.is_finite() {
                    return None;
                }
                lower[i * size + i] = sum.sqrt();
            } else {
                lower[i * size + j] = sum / lower[j * size + j];
            }
        }
    }
    let mut forward = vec![0.0; size];
    for i in 0..size {
        let sum: f64 = (0..i).map(|k| lower[i * size + k] * forward[k]).sum();
        forward[i] = (vector[i] - sum) / lower[i * size + i];
    }
    let mut x = vec![0.0; size];
    for i in (0..size).rev() {
        let sum: f64 = (i + 1..size).map(|k| lower[k * size + i] * x[k]).sum();
        x[i] = (forward[i] - sum) / lower[i * size + i];
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_feature_matches_the_closed_form() {
        // Two groups: x = 0 with 1 positive in 4, x = 1 with 3 in 4. Without
        // a penalty the fit reproduces each group's rate exactly:
        // intercept = logit(1/4), coefficient = logit(3/4) - logit(1/4).
        let rows = [0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 1.0];
        let labels = [true, false, false, false, true, true, true, false];
        let model = fit(&rows, 1, &labels, 0.0);
        let model = model.unwrap_or_else(|| panic!("no model"));
        let logit = |p: f64| (p / (1.0 - p)).ln();
        assert!((model.intercept - logit(0.25)).abs() < 1e-6, "{model:?}");
        assert!(
            (model.coefficients[0] - (logit(0.75) - logit(0.25))).abs() < 1e-6,
            "{model:?}"
        );
    }

    #[test]
    fn the_penalty_shrinks_and_negative_coefficients_are_fixed_at_zero() {
        // Column 0 predicts the label with some noise; column 1 is only
        // ever set on negatives, so alone it would want a negative weight.
        let mut rows = Vec::new();
        let mut labels = Vec::new();
        for n in 0..200 {
            let positive = n % 4 == 0;
            let noisy = if n % 10 == 0 { !positive } else { positive };
            rows.push(f64::from(u8::from(noisy)));
            rows.push(f64::from(u8::from(!positive && n % 3 == 0)));
            labels.push(positive);
        }
        let free = fit(&rows, 2, &labels, 0.0).unwrap_or_else(|| panic!("no model"));
        let shrunk = fit(&rows, 2, &labels, 50.0).unwrap_or_else(|| panic!("no model"));
        assert!(free.coefficients[0] > 0.5, "{free:?}");
        assert_eq!(free.coefficients[1], 0.0, "{free:?}");
        assert!(shrunk.coefficients[0] < free.coefficients[0], "{shrunk:?}");
        assert!(shrunk.coefficients[0] > 0.0, "{shrunk:?}");
    }

    #[test]
    fn malformed_input_is_refused() {
        assert_eq!(fit(&[], 1, &[], 1.0), None);
        assert_eq!(fit(&[1.0, 2.0, 3.0], 2, &[true], 1.0), None);
        assert_eq!(fit(&[f64::NAN], 1, &[true], 1.0), None);
    }

    #[test]
    fn solves_a_known_system() {
        // [[4, 2], [2, 3]] · [1, 2] = [8, 8].
        let x = solve(&[4.0, 2.0, 2.0, 3.0], &[8.0, 8.0], 2).unwrap_or_default();
        assert!(
            (x[0] - 1.0).abs() < 1e-12 && (x[1] - 2.0).abs() < 1e-12,
            "{x:?}"
        );
    }
}
