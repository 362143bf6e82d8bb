//! The brands generated lures impersonate and genuine notices come from:
//! their names as lures write them (with the odd stylisation), a product,
//! the domain the brand really sends from, and the look-alike domains
//! scammers register. Two are invented, as call centres invent names.

/// A brand in generated mail.
#[derive(Debug)]
pub(crate) struct Brand {
    /// The name as reported in the truth.
    pub name: &'static str,
    /// Ways lures write it.
    pub written: &'static [&'static str],
    /// Products named with it.
    pub products: &'static [&'static str],
    /// The domain its genuine mail comes from (a sending subdomain is added).
    pub domain: &'static str,
    /// Domains lures send from or link to.
    pub lookalikes: &'static [&'static str],
}

/// Twenty-eight brands.
pub(crate) const BRANDS: &[Brand] = &[
    Brand {
        name: "Norton",
        written: &["Norton", "NortonLifeLock", "Norton 360"],
        products: &["360 Deluxe", "Antivirus Plus", "Secure VPN"],
        domain: "norton.com",
        lookalikes: &["norton-renewals-desk.com", "nort0n-billing.net"],
    },
    Brand {
        name: "McAfee",
        written: &["McAfee", "McAfee®", "MCAFEE"],
        products: &["Total Protection", "LiveSafe", "Internet Security"],
        domain: "mcafee.com",
        lookalikes: &["mcafee-subscriptions.net", "mcaffee-care.com"],
    },
    Brand {
        name: "Geek Squad",
        written: &["Geek Squad", "GeekSquad", "Geek-Squad"],
        products: &["Tech Protection", "Total Tech Support"],
        domain: "bestbuy.com",
        lookalikes: &["geeksquad-service-desk.com", "geek-squad-renew.net"],
    },
    Brand {
        name: "PayPal",
        written: &["PayPal", "Paypal", "PAYPAL"],
        products: &["Pay in 4", "Business"],
        domain: "paypal.com",
        lookalikes: &["paypal-resolution-center.net", "paypa1-secure.com"],
    },
    Brand {
        name: "Amazon",
        written: &["Amazon", "Amazon.com", "AMAZON"],
        products: &["Prime", "Prime Video"],
        domain: "amazon.com",
        lookalikes: &["amazon-orders-help.com", "arnazon-billing.net"],
    },
    Brand {
        name: "Microsoft",
        written: &["Microsoft", "Microsoft 365", "MICROSOFT"],
        products: &["365 Family", "365 Personal", "Defender"],
        domain: "microsoft.com",
        lookalikes: &["microsoft-billing-center.com", "rnicrosoft-support.net"],
    },
    Brand {
        name: "Apple",
        written: &["Apple", "Apple iCloud", "APPLE"],
        products: &["iCloud+ 2TB", "AppleCare+", "One Premier"],
        domain: "apple.com",
        lookalikes: &["apple-id-billing.com", "appie-support.net"],
    },
    Brand {
        name: "Avast",
        written: &["Avast", "AVAST"],
        products: &["Premium Security", "Ultimate"],
        domain: "avast.com",
        lookalikes: &["avast-renewal-team.com"],
    },
    Brand {
        name: "Kaspersky",
        written: &["Kaspersky", "KASPERSKY"],
        products: &["Premium", "Total Security"],
        domain: "kaspersky.com",
        lookalikes: &["kaspersky-license-desk.com"],
    },
    Brand {
        name: "Bitdefender",
        written: &["Bitdefender", "BitDefender"],
        products: &["Total Security", "Premium Security"],
        domain: "bitdefender.com",
        lookalikes: &["bitdefender-billing.net"],
    },
    Brand {
        name: "Malwarebytes",
        written: &["Malwarebytes"],
        products: &["Premium", "Privacy VPN"],
        domain: "malwarebytes.com",
        lookalikes: &["malwarebytes-renewals.com"],
    },
    Brand {
        name: "Trend Micro",
        written: &["Trend Micro", "TrendMicro"],
        products: &["Maximum Security", "Internet Security"],
        domain: "trendmicro.com",
        lookalikes: &["trendmicro-accounts.net"],
    },
    Brand {
        name: "ESET",
        written: &["ESET"],
        products: &["Home Security Premium", "Smart Security"],
        domain: "eset.com",
        lookalikes: &["eset-license-center.com"],
    },
    Brand {
        name: "Coinbase",
        written: &["Coinbase", "COINBASE"],
        products: &["One", "Advanced"],
        domain: "coinbase.com",
        lookalikes: &["coinbase-wallet-help.com", "c0inbase-support.net"],
    },
    Brand {
        name: "Binance",
        written: &["Binance", "BINANCE"],
        products: &["VIP", "Card"],
        domain: "binance.com",
        lookalikes: &["binance-account-review.com"],
    },
    Brand {
        name: "eBay",
        written: &["eBay", "EBAY"],
        products: &["Plus", "order"],
        domain: "ebay.com",
        lookalikes: &["ebay-purchase-protection.net"],
    },
    Brand {
        name: "Netflix",
        written: &["Netflix", "NETFLIX"],
        products: &["Premium", "Standard"],
        domain: "netflix.com",
        lookalikes: &["netflix-billing-update.com"],
    },
    Brand {
        name: "Spotify",
        written: &["Spotify"],
        products: &["Premium Family", "Premium Duo"],
        domain: "spotify.com",
        lookalikes: &["spotify-payments.net"],
    },
    Brand {
        name: "Adobe",
        written: &["Adobe", "Adobe Creative Cloud"],
        products: &["Creative Cloud", "Acrobat Pro"],
        domain: "adobe.com",
        lookalikes: &["adobe-subscription-care.com"],
    },
    Brand {
        name: "DHL",
        written: &["DHL", "DHL Express"],
        products: &["Express", "Paket"],
        domain: "dhl.com",
        lookalikes: &["dhl-zoll-service.com"],
    },
    Brand {
        name: "Revolut",
        written: &["Revolut"],
        products: &["Metal", "Premium"],
        domain: "revolut.com",
        lookalikes: &["revolut-security-team.com"],
    },
    Brand {
        name: "Vodafone",
        written: &["Vodafone"],
        products: &["GigaCube", "Red XL"],
        domain: "vodafone.com",
        lookalikes: &["vodafone-rechnung.net"],
    },
    Brand {
        name: "Booking.com",
        written: &["Booking.com", "Booking"],
        products: &["Genius", "reservation"],
        domain: "booking.com",
        lookalikes: &["booking-reservations-help.com"],
    },
    Brand {
        name: "Zalando",
        written: &["Zalando"],
        products: &["Plus", "Lounge"],
        domain: "zalando.com",
        lookalikes: &["zalando-bestellung.net"],
    },
    Brand {
        name: "Disney+",
        written: &["Disney+", "Disney Plus"],
        products: &["Premium", "Standard"],
        domain: "disneyplus.com",
        lookalikes: &["disneyplus-billing.net"],
    },
    Brand {
        name: "Dropbox",
        written: &["Dropbox"],
        products: &["Plus", "Essentials"],
        domain: "dropbox.com",
        lookalikes: &["dropbox-storage-billing.com"],
    },
    Brand {
        name: "SecureLine PC Care",
        written: &["SecureLine PC Care", "SecureLine"],
        products: &["Lifetime Protection", "3-Device Plan"],
        domain: "securelinepccare.com",
        lookalikes: &["secureline-pc-care.net"],
    },
    Brand {
        name: "TechShield 24",
        written: &["TechShield 24", "TechShield"],
        products: &["Gold Support", "Family Shield"],
        domain: "techshield24.com",
        lookalikes: &["techshield24-billing.com"],
    },
];
