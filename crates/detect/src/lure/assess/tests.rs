use rmmguard_events::{Address, Attachment, AuthResult};

use super::*;

#[test]
fn signal_names_list_every_signal_made() {
    let source = include_str!("../assess.rs");
    for (at, _) in source.match_indices("name: \"") {
        let rest = &source[at + 7..];
        let name = &rest[..rest.find('"').unwrap()];
        assert!(
            SIGNAL_NAMES.contains(&name),
            "signal {name} missing from SIGNAL_NAMES"
        );
    }
}

fn lure_engine() -> Lure {
    Lure::new(country::Id::US).unwrap()
}

fn lure() -> Mail {
    Mail {
        from: Some(Address {
            name: Some("Your Order #865999".into()),
            address: "gersidemiriey@gmail.com".into(),
        }),
        subject: Some("Order Confirmation".into()),
        body: "Microsoft Defender Team. Invoice Id: MS-2801-1396259. Amount $389.99 will be \
               charged. To cancel and get a refund, contact our customer service at \
               +1(845) 555-0127."
            .into(),
        ..Mail::default()
    }
}

#[test]
fn a_body_lure_and_its_signals() {
    let engine = lure_engine();
    let assessment = assess(&engine, &lure());
    assert_eq!(assessment.verdict, Verdict::Callback(Place::Body));
    assert_eq!(assessment.call_numbers(), ["+18455550127"]);
    assert_eq!(assessment.brands, ["Microsoft"]);
    assert_eq!(assessment.language, "en");
    assert_eq!(
        assessment.breakdown(),
        "brand +2, transaction +2, amount +1, dispute +1, urgency +1, freemail-sender +1, \
         display-name-mismatch +1, sender-not-brand +1, no-links +1, short-body +1"
    );
    let phone = &assessment.signals[0];
    assert_eq!(
        phone.detail,
        "\"+1(845) 555-0127\" at body:146 near \"customer service\": +18455550127 (US, fixed-or-mobile)"
    );
}

#[test]
fn near_misses_stay_clean() {
    let engine = lure_engine();
    // The brand's own domain, authenticated: the brand's mail.
    let mut genuine = lure();
    genuine.from = Some(Address {
        name: Some("Microsoft".into()),
        address: "billing@microsoft.com".into(),
    });
    genuine.authentication = vec![
        AuthResult {
            method: "dkim".into(),
            result: "pass".into(),
            domain: Some("microsoft.com".into()),
        },
        AuthResult {
            method: "dmarc".into(),
            result: "pass".into(),
            domain: Some("microsoft.com".into()),
        },
    ];
    let assessment = assess(&engine, &genuine);
    assert_eq!(assessment.verdict, Verdict::Clean);
    assert!(
        assessment
            .signals
            .iter()
            .any(|s| s.name == "brand-authenticated")
    );
    // The same From, but DMARC failed: a spoof.
    let mut spoof = genuine.clone();
    spoof.authentication[1].result = "fail".into();
    assert_eq!(
        assess(&engine, &spoof).verdict,
        Verdict::Callback(Place::Body)
    );
    // A number in a postal footer, no call to action: not a callback.
    let mut footer = lure();
    footer.body = "Your deposit is restricted; clarify it on our portal. Coinbase, 100 Pine \
                   Street, San Francisco, CA 94111 | United States 1-888-555-0130"
        .into();
    assert_eq!(assess(&engine, &footer).verdict, Verdict::Clean);
    // A plumber's invoice from Gmail: money, a number, but no brand and no pressure.
    let plumber = Mail {
        from: Some(Address {
            name: Some("Dave Plumbing".into()),
            address: "dave.plumbing.repairs@gmail.com".into(),
        }),
        subject: Some("Invoice for the repair on Tuesday".into()),
        body: "Hi, attached is the invoice for the boiler repair: $240.00 for parts and labour. \
               Payment by bank transfer is fine. Any questions, call me on (415) 555-0171. Dave"
            .into(),
        ..Mail::default()
    };
    assert_eq!(assess(&engine, &plumber).verdict, Verdict::Clean);
    // A lure in a PDF only.
    let mut pdf = lure();
    pdf.body = "review on your activity".into();
    pdf.attachments.push(Attachment {
        name: Some("invoice.pdf".into()),
        content_type: "application/pdf".into(),
        size: 100,
        kind: AttachmentKind::Pdf,
        text: Some("Norton LifeLock renewal $499.99. Call support: +1 (803) 555-0175".into()),
        note: None,
    });
    let assessment = assess(&engine, &pdf);
    assert_eq!(assessment.verdict, Verdict::Callback(Place::Attachment(0)));
    assert_eq!(assessment.call_numbers(), ["+18035550175"]);
}

#[test]
fn lures_in_other_languages_and_countries() {
    let engine = lure_engine();
    let german = Mail {
        from: Some(Address {
            name: Some("Norton Kundenservice".into()),
            address: "kundenservice.abo@gmx.de".into(),
        }),
        subject: Some("Ihre Abonnementverlängerung".into()),
        body: "Sehr geehrter Kunde,\nIhr Norton 360 Abonnement wurde verlängert und \
               299,99 € werden Ihrem Konto belastet.\nWenn Sie die Verlängerung nicht \
               veranlasst haben, rufen Sie uns innerhalb von 24 Stunden an:\n\
               0800 330 4455\nIhr Norton-Team"
            .into(),
        ..Mail::default()
    };
    let assessment = assess(&engine, &german);
    assert_eq!(
        assessment.verdict,
        Verdict::Callback(Place::Body),
        "{assessment:#?}"
    );
    assert_eq!(assessment.language, "de");
    assert_eq!(assessment.call_numbers(), ["+498003304455"]);
    assert_eq!(assessment.phones[0].line, "toll-free");
    assert!(
        assessment.region_reason.contains("currency €"),
        "{}",
        assessment.region_reason
    );

    let british = Mail {
        from: Some(Address {
            name: Some("Geek Squad Billing".into()),
            address: "billing@geeksquad-renewals.co.uk".into(),
        }),
        subject: Some("Renewal receipt".into()),
        body: "Your Geek Squad membership has been renewed. £389.99 has been debited.\n\
               To cancel and claim a refund, speak to an agent: 020 7946 0958"
            .into(),
        ..Mail::default()
    };
    let assessment = assess(&engine, &british);
    assert_eq!(
        assessment.verdict,
        Verdict::Callback(Place::Body),
        "{assessment:#?}"
    );
    assert_eq!(assessment.call_numbers(), ["+442079460958"]);
    assert!(
        assessment
            .signals
            .iter()
            .any(|s| s.name == "lookalike-domain"),
        "{:#?}",
        assessment.signals
    );
}

#[test]
fn names_and_domains() {
    let engine = lure_engine();
    let lexicon = &engine.lexicon;
    assert!(
        display_name_mismatch(lexicon, "support@inlt.paypal.com", "x@freeducation.co.uk").is_some()
    );
    assert!(display_name_mismatch(lexicon, "LifeLock by Norton", "x@gmail.com").is_some());
    assert!(display_name_mismatch(lexicon, "Norton", "billing@norton.com").is_none());
    assert!(display_name_mismatch(lexicon, "Jane Doe", "jane@corp.example").is_none());
    assert!(is_within("mail.norton.com", "norton.com"));
    assert!(!is_within("evilnorton.com", "norton.com"));
    assert!(is_freemail("gmail.com") && is_freemail("yahoo.co.jp") && !is_freemail("corp.example"));
    assert_eq!(organization_of("hq.lp.example"), "lp.example");
    assert_eq!(organization_of("mail.shop.co.uk"), "shop.co.uk");
    assert_eq!(organization_of("example"), "example");
}
