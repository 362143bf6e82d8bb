//! Whether the receiving server vouched for the sender's domain: DMARC
//! passed for the `From` domain, and DKIM or SPF passed for a domain
//! aligned with it (the same organizational domain). Mail from a brand's own
//! domain that is authenticated this way is the brand's; a failed check on
//! a brand domain is a spoof, and no recorded check at all is a weak signal.

use rmmguard_events::Mail;

use crate::lure::assess::{domain_of, organization_of};

/// What the recorded checks say about the `From` domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum SenderAuth {
    /// DMARC pass and an aligned DKIM or SPF pass.
    Aligned,
    /// A check failed, or none passed aligned (`dmarc=fail`).
    Failed(String),
    /// No check was recorded.
    Missing,
}

/// Judges the sender of `mail`.
pub(crate) fn judge(mail: &Mail) -> SenderAuth {
    if mail.authentication.is_empty() {
        return SenderAuth::Missing;
    }
    let from = mail.from.as_ref().map_or("", |f| domain_of(&f.address));
    let organization = organization_of(from);
    let aligned = |domain: &Option<String>| {
        domain
            .as_deref()
            .is_some_and(|d| organization_of(d) == organization)
    };
    let dmarc_pass = mail.authentication.iter().any(|r| {
        r.method == "dmarc" && r.result == "pass" && (r.domain.is_none() || aligned(&r.domain))
    });
    let aligned_pass = mail.authentication.iter().any(|r| {
        matches!(r.method.as_str(), "dkim" | "spf") && r.result == "pass" && aligned(&r.domain)
    });
    if dmarc_pass && aligned_pass {
        return SenderAuth::Aligned;
    }
    let failed: Vec<String> = mail
        .authentication
        .iter()
        .filter(|r| matches!(r.method.as_str(), "dmarc" | "dkim" | "spf"))
        .filter(|r| r.result != "pass" || !aligned(&r.domain))
        .map(|r| match &r.domain {
            Some(domain) => format!("{}={} ({domain})", r.method, r.result),
            None => format!("{}={}", r.method, r.result),
        })
        .collect();
    if failed.is_empty() {
        return SenderAuth::Missing;
    }
    SenderAuth::Failed(failed.join(", "))
}

#[cfg(test)]
mod tests {
    use rmmguard_events::{Address, AuthResult};

    use super::*;

    fn mail(from: &str, results: &[(&str, &str, &str)]) -> Mail {
        Mail {
            from: Some(Address {
                name: None,
                address: from.into(),
            }),
            authentication: results
                .iter()
                .map(|(method, result, domain)| AuthResult {
                    method: (*method).into(),
                    result: (*result).into(),
                    domain: Some((*domain).into()),
                })
                .collect(),
            ..Mail::default()
        }
    }

    #[test]
    fn aligned_failed_missing() {
        let genuine = mail(
            "no-reply@norton.com",
            &[
                ("dkim", "pass", "mail.norton.com"),
                ("dmarc", "pass", "norton.com"),
            ],
        );
        assert_eq!(judge(&genuine), SenderAuth::Aligned);
        let spoof = mail(
            "billing@norton.com",
            &[
                ("spf", "pass", "gmail.com"),
                ("dmarc", "fail", "norton.com"),
            ],
        );
        assert_eq!(
            judge(&spoof),
            SenderAuth::Failed("spf=pass (gmail.com), dmarc=fail (norton.com)".into())
        );
        assert_eq!(judge(&mail("a@norton.com", &[])), SenderAuth::Missing);
    }
}
