//! Typed facts: the named values that explain a finding.
//!
//! A fact's key is a [`FactKey`], serialized as its ECS-style name
//! (`tls.client.ja3`, `email.from.address`); a misspelt key is a compile
//! error, not a silent miss. A fact holds one or more values
//! ([`Fact::values`]), never a list joined into one string. Which keys are
//! indicators worth comparing across findings and sites is part of the same
//! table ([`FactKey::indicator`]), so every consumer agrees on them.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::IndicatorKind;

macro_rules! fact_keys {
    ($( $(#[doc = $doc:literal])* $variant:ident = $name:literal $(=> $kind:ident)? ;)*) => {
        /// The key of a fact. Serialized as [`FactKey::as_str`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum FactKey {
            $( $(#[doc = $doc])* $variant, )*
        }

        impl FactKey {
            /// Every key, in table order.
            pub const ALL: &[FactKey] = &[$(FactKey::$variant),*];

            /// The serialized (ECS-style) name.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( FactKey::$variant => $name, )*
                }
            }

            /// The kind of indicator this key's values are, if they are
            /// indicators worth comparing across findings and sites.
            pub fn indicator(self) -> Option<IndicatorKind> {
                match self {
                    $( FactKey::$variant => fact_keys!(@kind $($kind)?), )*
                }
            }
        }
    };
    (@kind $kind:ident) => { Some(IndicatorKind::$kind) };
    (@kind) => { None };
}

fact_keys! {
    // Processes, files, services (endpoint evidence).
    /// Full path of the process image.
    ProcessExecutable = "process.executable";
    /// Image file name of the process.
    ProcessName = "process.name";
    /// The process's command line.
    ProcessCommandLine = "process.command_line";
    /// PE `OriginalFileName` of the image.
    ProcessPeOriginalFileName = "process.pe.original_file_name";
    /// PE `ProductName` of the image.
    ProcessPeProduct = "process.pe.product";
    /// Image of the process that was accessed (Sysmon 10 target).
    TargetProcessExecutable = "process.target.executable";
    /// Access rights granted on the target process (`0x1410`).
    ProcessGrantedAccess = "process.target.granted_access";
    /// A loaded module's path.
    DllPath = "dll.path";
    /// SHA-256 of the file or process image, lower-case hex.
    FileHashSha256 = "file.hash.sha256" => FileHash;
    /// A file's path.
    FilePath = "file.path";
    /// A file's name (download, attachment).
    FileName = "file.name";
    /// What a file is (`installer`, `archive`, `executable`).
    FileKind = "file.kind";
    /// The archive a file was found in.
    FileArchive = "file.archive";
    /// The network share a file was reached through.
    FileShare = "file.share";
    /// A Windows service's name.
    ServiceName = "service.name";
    /// A Windows service's image path.
    ServiceImagePath = "service.image_path";
    /// An application log's message.
    Message = "message";

    // Network.
    /// The client address of a flow.
    SourceIp = "source.ip";
    /// The server address of a flow.
    DestinationIp = "destination.ip";
    /// The server port.
    DestinationPort = "destination.port";
    /// The server as the evidence names it (host name or address).
    DestinationAddress = "destination.address" => Destination;
    /// A server's domain name.
    DestinationDomain = "destination.domain" => Domain;
    /// The remote (outside) address of a flow, whichever side opened it.
    RemoteIp = "remote.ip" => Ip;
    /// `inbound` or `outbound`.
    NetworkDirection = "network.direction";
    /// `tcp` or `udp`.
    NetworkTransport = "network.transport";
    /// The application protocol the evidence showed (`rfb`, `rdp`).
    NetworkProtocol = "network.protocol";
    /// What the protocol detection saw.
    NetworkProtocolDetail = "network.protocol.detail";
    /// Which evidence named the domain (`dns`, `sni`, `http-host`, `certificate`).
    NetworkEvidence = "network.evidence";
    /// A DNS query name.
    DnsQuestionName = "dns.question.name" => Domain;
    /// The TLS client's server name (SNI), or `absent`.
    TlsServerName = "tls.client.server_name" => Domain;
    /// The TLS client's ALPN offer.
    TlsAlpn = "tls.client.alpn";
    /// JA3 of the TLS client hello.
    TlsJa3 = "tls.client.ja3" => Ja3;
    /// JA4 of the TLS client hello.
    TlsJa4 = "tls.client.ja4" => Ja4;
    /// JA3S of the TLS server hello.
    TlsJa3s = "tls.server.ja3s";
    /// The server certificate's subject common name.
    TlsCertificateCommonName = "tls.server.x509.subject.common_name";
    /// A URL as written.
    UrlOriginal = "url.original";
    /// A URL's domain.
    UrlDomain = "url.domain" => Domain;
    /// A URL's path.
    UrlPath = "url.path";

    // RMM facts and explanations.
    /// A tenant, instance, relay or account the tool talks to.
    RmmTenant = "rmm.tenant" => Tenant;
    /// What kind of tenant value it is (`relay host`, `account id`).
    RmmTenantKind = "rmm.tenant.kind";
    /// The tenants the policy allows for the tool.
    RmmPolicyTenants = "rmm.policy.tenants";
    /// The approved network paths the policy names (VPN/VDI, jump hosts).
    RmmPolicyApprovedPaths = "rmm.policy.approved_paths";
    /// How the tool was seen on the host (`portable`, `service`, …).
    RmmInstallMode = "rmm.install_mode";
    /// The catalog tell that fired (`silent-install`, `password-set`, …).
    RmmTell = "rmm.tell";
    /// The tools that use a port the perimeter rule judged.
    RmmPortTools = "rmm.port.tools";
    /// A tool's standard ports, when it was seen on another.
    RmmStandardPorts = "rmm.standard_ports";
    /// An RMM vendor's shared cloud host (domain or address) that every
    /// customer of the tool contacts: evidence, but not an indicator, since
    /// two sites reaching it share a vendor, not an actor.
    RmmCloud = "rmm.cloud";
    /// The banking or payment site visited.
    FinancialSite = "rmm.financial_site";
    /// Why the rule fired, in words.
    Reason = "event.reason";

    // Indicators of compromise.
    /// The indicator that matched.
    IocValue = "ioc.value" => Indicator;
    /// Its kind (`domain`, `ipv4`, `sha256`, …).
    IocKind = "ioc.kind";
    /// The file or list it came from.
    IocSource = "ioc.source";
    /// The event field it matched in.
    IocField = "ioc.field";
    /// The text it was seen in.
    IocSeen = "ioc.seen";

    // Mail.
    /// A phone number in E.164 (`+18005550100`).
    PhoneE164 = "phone.e164" => Phone;
    /// A phone number hidden from text search (split, homoglyphs).
    PhoneHidden = "phone.hidden";
    /// The region of each number in `phone.e164`, in its order (`DE`).
    PhoneRegion = "phone.region";
    /// The line type of each number in `phone.e164`, in its order (`toll-free`, `mobile`).
    PhoneLineType = "phone.line_type";
    /// The sender address.
    EmailFromAddress = "email.from.address" => Sender;
    /// The sender's display name.
    EmailFromName = "email.from.name";
    /// Reply-To addresses.
    EmailReplyTo = "email.reply_to.address" => Sender;
    /// The Return-Path address.
    EmailReturnPath = "email.return_path";
    /// The subject.
    EmailSubject = "email.subject";
    /// The Message-ID.
    EmailMessageId = "email.message_id";
    /// The recipient (the mailbox the lure reached).
    EmailTo = "email.to.address";
    /// Domains of the lure: sender, Reply-To, links.
    EmailLureDomain = "email.lure.domain" => LureDomain;
    /// Brands the lure names.
    EmailBrand = "email.lure.brand";
    /// The lure score.
    EmailLureScore = "email.lure.score";
    /// The lure's language (ISO 639-1), and why its national numbers were read where they were.
    EmailLureLanguage = "email.lure.language";
    /// Lure signal: a callback phone number.
    SignalPhone = "email.signal.phone";
    /// Lure signal: a brand named.
    SignalBrand = "email.signal.brand";
    /// Lure signal: a transaction (renewal, order, invoice).
    SignalTransaction = "email.signal.transaction";
    /// Lure signal: a money amount.
    SignalAmount = "email.signal.amount";
    /// Lure signal: refund, cancellation or dispute words.
    SignalDispute = "email.signal.dispute";
    /// Lure signal: urgency (a deadline, a threat).
    SignalUrgency = "email.signal.urgency";
    /// Lure signal: a sender or link domain imitating a brand.
    SignalLookalikeDomain = "email.signal.lookalike-domain";
    /// Lure signal: a brand's domain whose authentication failed.
    SignalBrandAuthFailed = "email.signal.brand-auth-failed";
    /// Lure signal: a brand's domain with no authentication recorded.
    SignalBrandAuthMissing = "email.signal.brand-auth-missing";
    /// Lure signal: the brand's own domain, authenticated (a negative).
    SignalBrandAuthenticated = "email.signal.brand-authenticated";
    /// Lure signal: a free-mail sender.
    SignalFreemailSender = "email.signal.freemail-sender";
    /// Lure signal: the display name names another address or brand.
    SignalDisplayNameMismatch = "email.signal.display-name-mismatch";
    /// Lure signal: the sender is not the brand's domain.
    SignalSenderNotBrand = "email.signal.sender-not-brand";
    /// Lure signal: Reply-To differs from the sender.
    SignalReplyToDiffers = "email.signal.reply-to-differs";
    /// Lure signal: no links.
    SignalNoLinks = "email.signal.no-links";
    /// Lure signal: a few links.
    SignalSomeLinks = "email.signal.some-links";
    /// Lure signal: many links.
    SignalManyLinks = "email.signal.many-links";
    /// Lure signal: hidden text.
    SignalHiddenText = "email.signal.hidden-text";
    /// Lure signal: a short body.
    SignalShortBody = "email.signal.short-body";
    /// Lure signal: a long body.
    SignalLongBody = "email.signal.long-body";
    /// Lure signal: the lure is only in an attachment.
    SignalAttachmentOnly = "email.signal.attachment-only";
    /// Lure signal: a reply in a thread.
    SignalReplyThread = "email.signal.reply-thread";
    /// Lure signal: a bank statement.
    SignalBankStatement = "email.signal.bank-statement";
}

impl FactKey {
    /// The key serialized as `name`.
    pub fn from_name(name: &str) -> Option<FactKey> {
        FactKey::ALL
            .iter()
            .copied()
            .find(|key| key.as_str() == name)
    }

    /// The lure-signal key for a signal name (`phone`, `freemail-sender`).
    pub fn signal(name: &str) -> Option<FactKey> {
        FactKey::ALL.iter().copied().find(|key| {
            key.as_str()
                .strip_prefix("email.signal.")
                .is_some_and(|signal| signal == name)
        })
    }
}

impl fmt::Display for FactKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FactKey {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FactKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FactKey, D::Error> {
        let name = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        FactKey::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown fact key {name:?}")))
    }
}

/// One named fact: a key and its values (at least one), in the order the
/// detector found them.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Fact {
    /// What the values are.
    pub key: FactKey,
    /// The values.
    pub values: Vec<String>,
}

impl Fact {
    /// A fact with one value.
    pub fn new(key: FactKey, value: impl Into<String>) -> Fact {
        Fact {
            key,
            values: vec![value.into()],
        }
    }

    /// A fact with several values (empty ones dropped).
    pub fn many<I, S>(key: FactKey, values: I) -> Fact
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Fact {
            key,
            values: values
                .into_iter()
                .map(Into::into)
                .filter(|value: &String| !value.is_empty())
                .collect(),
        }
    }

    /// The first value.
    pub fn value(&self) -> &str {
        self.values.first().map_or("", String::as_str)
    }
}

impl<S: Into<String>> From<(FactKey, S)> for Fact {
    fn from((key, value): (FactKey, S)) -> Fact {
        Fact::new(key, value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        let mut names: Vec<&str> = FactKey::ALL.iter().map(|k| k.as_str()).collect();
        let count = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), count, "duplicate fact key names");
        for &key in FactKey::ALL {
            assert_eq!(FactKey::from_name(key.as_str()), Some(key));
            let json = serde_json::to_string(&key).unwrap();
            assert_eq!(serde_json::from_str::<FactKey>(&json).unwrap(), key);
        }
        assert_eq!(FactKey::from_name("tls.ja3"), None);
        assert_eq!(
            FactKey::signal("freemail-sender"),
            Some(FactKey::SignalFreemailSender)
        );
        assert_eq!(FactKey::signal("nope"), None);
    }

    #[test]
    fn indicator_keys_are_the_ecs_names() {
        let indicators: Vec<&str> = FactKey::ALL
            .iter()
            .filter(|k| k.indicator().is_some())
            .map(|k| k.as_str())
            .collect();
        for name in [
            "tls.client.ja3",
            "tls.client.ja4",
            "tls.client.server_name",
            "dns.question.name",
            "file.hash.sha256",
            "url.domain",
            "rmm.tenant",
            "phone.e164",
            "email.from.address",
        ] {
            assert!(indicators.contains(&name), "{name} is not an indicator key");
        }
    }

    #[test]
    fn many_drops_empty_values() {
        let fact = Fact::many(FactKey::RmmTenant, ["a", "", "b"]);
        assert_eq!(fact.values, ["a", "b"]);
        assert_eq!(fact.value(), "a");
    }
}
