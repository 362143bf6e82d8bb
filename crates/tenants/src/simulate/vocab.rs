//! Word lists and small makers for the generator: people's names, company
//! names, domains, registrars, IP addresses, hostnames.

use crate::simulate::rng::Rng;

/// First names (also used by crews, so patterns collide by chance).
pub const FIRST: &[&str] = &[
    "james",
    "mary",
    "john",
    "patricia",
    "robert",
    "jennifer",
    "michael",
    "linda",
    "william",
    "elizabeth",
    "david",
    "barbara",
    "richard",
    "susan",
    "joseph",
    "jessica",
    "thomas",
    "sarah",
    "charles",
    "karen",
    "daniel",
    "nancy",
    "matthew",
    "lisa",
    "anthony",
    "betty",
    "mark",
    "sandra",
    "donald",
    "ashley",
    "steven",
    "kimberly",
    "paul",
    "emily",
    "andrew",
    "donna",
    "joshua",
    "michelle",
    "kenneth",
    "carol",
    "kevin",
    "amanda",
    "brian",
    "melissa",
    "george",
    "deborah",
    "timothy",
    "stephanie",
    "ronald",
    "rebecca",
    "raj",
    "priya",
    "wei",
    "mei",
    "ahmed",
    "fatima",
    "carlos",
    "sofia",
    "ivan",
    "olga",
];

/// Last names.
pub const LAST: &[&str] = &[
    "smith",
    "johnson",
    "williams",
    "brown",
    "jones",
    "garcia",
    "miller",
    "davis",
    "rodriguez",
    "martinez",
    "hernandez",
    "lopez",
    "gonzalez",
    "wilson",
    "anderson",
    "thomas",
    "taylor",
    "moore",
    "jackson",
    "martin",
    "lee",
    "perez",
    "thompson",
    "white",
    "harris",
    "sanchez",
    "clark",
    "ramirez",
    "lewis",
    "robinson",
    "walker",
    "young",
    "allen",
    "king",
    "wright",
    "scott",
    "torres",
    "nguyen",
    "hill",
    "flores",
    "green",
    "adams",
    "nelson",
    "baker",
    "hall",
    "rivera",
    "campbell",
    "mitchell",
    "carter",
    "roberts",
    "patel",
    "kumar",
    "chen",
    "wang",
    "khan",
    "ali",
    "silva",
    "costa",
    "novak",
    "kowalski",
];

/// Words for business names.
pub const PLACES: &[&str] = &[
    "riverside",
    "oak",
    "summit",
    "harbor",
    "maple",
    "cedar",
    "pioneer",
    "granite",
    "lakeview",
    "northgate",
    "bluewater",
    "redwood",
    "silverline",
    "keystone",
    "meadow",
    "brightpath",
    "ironwood",
    "westfield",
    "eastbrook",
    "highland",
    "sunrise",
    "valley",
    "crescent",
    "evergreen",
    "falcon",
    "liberty",
    "coastal",
    "prairie",
    "union",
    "heritage",
    "apple valley",
    "amazonia",
];

/// Small-business trades (a few carry help-desk words: realistic overlap).
pub const TRADES: &[&str] = &[
    "dental",
    "law group",
    "accounting",
    "plumbing",
    "bakery",
    "auto repair",
    "realty",
    "insurance",
    "veterinary",
    "architects",
    "pharmacy",
    "logistics",
    "construction",
    "florist",
    "fitness",
    "care home",
    "home care",
    "family clinic",
    "engineering",
    "printing",
    "school",
    "church",
];

/// MSP name endings (many carry help-desk words: realistic overlap).
pub const MSP_SUFFIXES: &[&str] = &[
    "IT Solutions",
    "Managed Services",
    "Technology Partners",
    "IT Support",
    "Tech Care",
    "Networks",
    "Computer Services",
    "Help Desk Services",
    "Secure IT",
    "Systems",
    "Cloud Services",
    "IT Group",
];

/// Break-fix shop names (help-desk words are common here too).
pub const SHOP_NAMES: &[&str] = &[
    "PC Fix Pros",
    "Computer Help Desk",
    "Geek On Call",
    "Home Tech Helpers",
    "Laptop Doctor",
    "Computer Care Center",
    "Fix My PC",
    "Tech Rescue",
    "Nerds To Go",
    "Byte Repair",
];

/// Names scam tenants use to impersonate brands and help desks.
pub const BRAND_NAMES: &[&str] = &[
    "Norton Support Center",
    "Geek Squad Help Desk",
    "PayPal Refund Department",
    "McAfee Renewal Services",
    "N0rton LifeLock Care",
    "Geek-Squad 24/7",
    "Microsoft Windows Support",
    "Amazon Billing Help",
    "Best Buy Geek Squad",
    "Mcafe Secure Care",
    "Paypa1 Billing Support",
    "Norten Antivirus Help",
];

/// Neutral names scam tenants also use.
pub const BLAND_NAMES: &[&str] = &[
    "Global Solutions",
    "Prime Services",
    "Digital Consulting",
    "Smart Tech",
    "Metro Services",
    "Alpha Systems",
    "Nova Enterprises",
    "Rapid Services",
    "Pro Consulting",
    "United Tech",
];

/// TLDs of ordinary business domains.
pub const BUSINESS_TLDS: &[&str] = &["com", "com", "com", "net", "org", "us", "co", "io", "biz"];

/// TLDs scam domains favour.
pub const CHEAP_TLDS: &[&str] = &[
    "xyz", "online", "cc", "us", "site", "top", "shop", "info", "com",
];

/// Freemail providers (all on the built-in list, one not: readers must use the flag).
pub const FREEMAIL: &[&str] = &[
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "outlook.com",
    "yahoo.com",
    "hotmail.com",
    "aol.com",
    "icloud.com",
    "proton.me",
    "fastmail.example",
];

/// Registrars and their nameservers that ordinary businesses use.
pub const POPULAR_REGISTRARS: &[(&str, &str)] = &[
    (
        "GoDaddy.com, LLC",
        "ns1.domaincontrol.com;ns2.domaincontrol.com",
    ),
    (
        "NameCheap, Inc.",
        "dns1.registrar-servers.com;dns2.registrar-servers.com",
    ),
    (
        "Cloudflare, Inc.",
        "ada.ns.cloudflare.com;bob.ns.cloudflare.com",
    ),
    (
        "Google LLC",
        "ns-cloud-a1.googledomains.com;ns-cloud-a2.googledomains.com",
    ),
    ("Tucows Domains Inc.", "ns1.hover.com;ns2.hover.com"),
    ("OVH sas", "dns10.ovh.net;ns10.ovh.net"),
    ("IONOS SE", "ns1045.ui-dns.com;ns1045.ui-dns.org"),
    (
        "Network Solutions, LLC",
        "ns1.worldnic.com;ns2.worldnic.com",
    ),
];

/// Registrars and nameservers scam crews favour (some businesses use them too).
pub const CHEAP_REGISTRARS: &[(&str, &str)] = &[
    (
        "NICENIC INTERNATIONAL GROUP CO., LIMITED",
        "ns1.dnsowl.com;ns2.dnsowl.com",
    ),
    ("Gname.com Pte. Ltd.", "ns1.gname-dns.com;ns2.gname-dns.com"),
    (
        "Web Commerce Communications Limited",
        "ns1.webcc-dns.com;ns2.webcc-dns.com",
    ),
];

/// Operating systems of endpoints.
pub const DESKTOP_OS: &[&str] = &[
    "Windows 10 Pro",
    "Windows 11 Pro",
    "Windows 11 Home",
    "Windows 10 Home",
    "macOS 14",
];

/// A person's name as `first.last`-style email local part, in one of several shapes.
pub fn local_part(rng: &mut Rng) -> String {
    let (first, last) = (*rng.pick(FIRST), *rng.pick(LAST));
    match rng.below(6) {
        0 => format!("{first}.{last}"),
        1 => format!("{first}{last}"),
        2 => format!("{}{last}", &first[..1]),
        3 => format!("{first}{}", rng.range(1, 99)),
        4 => (*rng.pick(&["admin", "it", "office", "info", "support", "billing"])).to_owned(),
        _ => first.to_owned(),
    }
}

/// A plausible unique business domain.
pub fn business_domain(rng: &mut Rng, stem: &str) -> String {
    let stem: String = stem
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_ascii_lowercase();
    format!("{stem}{}.{}", rng.hex(4), rng.pick(BUSINESS_TLDS))
}

/// A public IPv4 address outside the documentation ranges.
pub fn public_ip(rng: &mut Rng) -> String {
    format!(
        "{}.{}.{}.{}",
        rng.range(11, 223),
        rng.range(0, 256),
        rng.range(0, 256),
        rng.range(1, 255)
    )
}

/// The public IP of an office site: the same for every PC of `site` (one
/// of two addresses) within a tenant, so office PCs share addresses.
pub fn site_ip(tenant: &str, site: &str, variant: u64) -> String {
    let hash = crate::hash::combine(
        crate::hash::hash_str(tenant),
        crate::hash::hash_str(site) ^ variant,
    );
    let octet = |shift: u32, low: u64, span: u64| low + (hash >> shift) % span;
    format!(
        "{}.{}.{}.{}",
        octet(0, 11, 212),
        octet(8, 0, 256),
        octet(16, 0, 256),
        octet(24, 1, 254)
    )
}

/// A home PC's default hostname.
pub fn home_hostname(rng: &mut Rng) -> String {
    format!("DESKTOP-{}", rng.hex(7).to_ascii_uppercase())
}

/// Capitalizes each word.
pub fn title(text: &str) -> String {
    text.split(' ')
        .map(|word| {
            let mut chars = word.chars();
            match chars.next() {
                Some(first) => first.to_ascii_uppercase().to_string() + chars.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}
