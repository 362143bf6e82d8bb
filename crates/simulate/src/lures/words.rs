//! The words of generated mail in seven languages: two whole callback-lure
//! templates per language, the parts other lures are put together from
//! (greetings, what was bought, the charge, "not you?", the call to action
//! in three positions, deadlines, sign-offs), and the five benign
//! look-alikes the lure detector must leave alone (a tradesman's invoice
//! from a freemail address, a genuine renewal from the vendor, an IT notice
//! with the helpdesk number, a shipping notice, an appointment reminder).
//!
//! The generator's own wording, written for it: it never reads the
//! detector's vocabulary files, so a detector that only knows its own
//! phrases shows it here. Placeholders in braces.

/// The languages, in this order everywhere.
pub(crate) const LANGUAGES: &[&str] = &["en", "de", "fr", "es", "it", "pt", "nl"];

/// The texts of one language.
pub(crate) struct Texts {
    /// Lure subjects (`{brand}`, `{order}`).
    pub lure_subjects: [&'static str; 2],
    /// Lure bodies (`{brand}`, `{product}`, `{date}`, `{amount}`, `{order}`, `{phone}`).
    pub lures: [&'static str; 2],
    /// Subject and body of a tradesman's invoice (`{name}`, `{date}`, `{amount}`, `{phone}`, `{sender}`).
    pub invoice: (&'static str, &'static str),
    /// A genuine renewal notice (`{brand}`, `{product}`, `{date}`, `{amount}`, `{order}`, `{phone}`).
    pub renewal: (&'static str, &'static str),
    /// An IT notice (`{date}`, `{phone}`).
    pub it_notice: (&'static str, &'static str),
    /// A shipping notice (`{order}`, `{date}`, `{amount}`, `{phone}`).
    pub shipping: (&'static str, &'static str),
    /// An appointment reminder (`{name}`, `{date}`, `{phone}`).
    pub appointment: (&'static str, &'static str),
}

/// The texts of a language (index into [`LANGUAGES`]).
pub(crate) fn texts(language: usize) -> &'static Texts {
    &TEXTS[language % TEXTS.len()]
}

static TEXTS: [Texts; 7] = [
    Texts {
        lure_subjects: [
            "Your {brand} renewal {order}",
            "Receipt {order} – payment confirmed",
        ],
        lures: [
            "Dear customer,\nThank you for choosing {brand}. Your {product} plan renewed on {date} and {amount} was taken from your account (order {order}).\nIf you did not approve this payment, our billing team can cancel it and refund you. Phone us within 24 hours on {phone}.\nKind regards,\n{brand} Billing",
            "Receipt {order}\n{brand} {product} - annual subscription: {amount}\nThe charge will appear on your card in 24 hours. Not you? To stop it and get your money back, speak to an agent:\n{phone}\n(Mon-Sun, 24/7)",
        ],
        invoice: (
            "Invoice for the repair on {date}",
            "Hi {name},\nthanks again for having us over on {date}. Below is the invoice for the repair: {amount} for parts and labour, payable by bank transfer within 14 days.\nIf anything is unclear, call me on {phone}.\nBest,\n{sender}",
        ),
        renewal: (
            "Your {brand} subscription has renewed",
            "Hello,\nyour {brand} {product} subscription renewed on {date}; {amount} was charged to the card on file. Your receipt {order} is in your account.\nNeed help? Contact {brand} Support at {phone}.",
        ),
        it_notice: (
            "VPN maintenance on {date}",
            "Hello team,\nthe VPN maintenance window is on {date} from 20:00 to 22:00. Your password will also expire soon; please change it in the portal.\nIf you need help, call the IT helpdesk on {phone} or open a ticket.",
        ),
        shipping: (
            "Your order {order} has shipped",
            "Good news: your order {order} has shipped and should arrive on {date}. Total paid: {amount}.\nQuestions about your delivery? Call our customer service on {phone}.",
        ),
        appointment: (
            "Reminder: your appointment on {date}",
            "Dear {name},\nthis is a reminder of your appointment at the practice on {date} at 10:30.\nTo cancel or move it, please call us on {phone} at least a day before.",
        ),
    },
    Texts {
        lure_subjects: [
            "Ihre {brand} Verlängerung {order}",
            "Zahlungsbestätigung {order}",
        ],
        lures: [
            "Sehr geehrte Kundin, sehr geehrter Kunde,\nvielen Dank, dass Sie sich für {brand} entschieden haben. Ihr Abonnement {product} wurde am {date} verlängert und {amount} wurden von Ihrem Konto abgebucht (Bestellnummer {order}).\nHaben Sie diese Zahlung nicht veranlasst? Unser Team storniert sie und erstattet Ihnen den Betrag. Rufen Sie uns innerhalb von 24 Stunden unter {phone} an.\nMit freundlichen Grüßen\nIhr {brand} Team",
            "Rechnung {order}\n{brand} {product} - Jahreslizenz: {amount}\nDie Abbuchung erscheint in 24 Stunden auf Ihrer Karte. Nicht von Ihnen? Für eine Rückerstattung erreichen Sie unsere Hotline:\n{phone}\n(Mo-So, rund um die Uhr)",
        ],
        invoice: (
            "Rechnung für die Reparatur am {date}",
            "Hallo {name},\ndanke noch einmal für den Auftrag am {date}. Hier die Rechnung für die Reparatur: {amount} für Material und Arbeit, zahlbar per Überweisung innerhalb von 14 Tagen.\nBei Fragen erreichen Sie mich unter {phone}.\nViele Grüße\n{sender}",
        ),
        renewal: (
            "Ihr {brand} Abonnement wurde verlängert",
            "Guten Tag,\nIhr Abonnement {brand} {product} wurde am {date} verlängert; {amount} wurden Ihrer hinterlegten Karte belastet. Ihren Beleg {order} finden Sie in Ihrem Konto.\nFragen? Der {brand} Kundenservice ist unter {phone} erreichbar.",
        ),
        it_notice: (
            "VPN-Wartung am {date}",
            "Hallo zusammen,\ndas VPN wird am {date} von 20:00 bis 22:00 Uhr gewartet. Ihr Passwort läuft außerdem bald ab; bitte ändern Sie es im Portal.\nBei Problemen erreichen Sie den IT-Helpdesk unter {phone}.",
        ),
        shipping: (
            "Ihre Bestellung {order} ist unterwegs",
            "Gute Nachricht: Ihre Bestellung {order} wurde verschickt und kommt voraussichtlich am {date}. Bezahlt: {amount}.\nFragen zur Lieferung? Unser Kundenservice ist unter {phone} für Sie da.",
        ),
        appointment: (
            "Erinnerung: Ihr Termin am {date}",
            "Guten Tag {name},\nwir erinnern Sie an Ihren Termin in der Praxis am {date} um 10:30 Uhr.\nWenn Sie ihn absagen oder verschieben möchten, rufen Sie uns bitte spätestens einen Tag vorher unter {phone} an.",
        ),
    },
    Texts {
        lure_subjects: [
            "Renouvellement {brand} {order}",
            "Reçu {order} - paiement confirmé",
        ],
        lures: [
            "Cher client,\nMerci d'avoir choisi {brand}. Votre abonnement {product} a été renouvelé le {date} et {amount} ont été prélevés sur votre compte (commande {order}).\nSi vous n'êtes pas à l'origine de ce paiement, notre service peut l'annuler et vous rembourser. Appelez-nous sous 24 heures au {phone}.\nCordialement,\nL'équipe {brand}",
            "Facture {order}\n{brand} {product} - licence annuelle : {amount}\nLe débit apparaîtra sur votre carte sous 24 heures. Ce n'est pas vous ? Pour obtenir un remboursement, contactez un conseiller :\n{phone}\n(7j/7)",
        ],
        invoice: (
            "Facture pour la réparation du {date}",
            "Bonjour {name},\nmerci encore pour votre confiance le {date}. Voici la facture de la réparation : {amount} pour les pièces et la main-d'œuvre, à régler par virement sous 14 jours.\nPour toute question, vous pouvez me joindre au {phone}.\nBien à vous,\n{sender}",
        ),
        renewal: (
            "Votre abonnement {brand} a été renouvelé",
            "Bonjour,\nvotre abonnement {brand} {product} a été renouvelé le {date} ; {amount} ont été débités sur votre carte enregistrée. Votre reçu {order} est disponible dans votre compte.\nBesoin d'aide ? Le service client {brand} répond au {phone}.",
        ),
        it_notice: (
            "Maintenance du VPN le {date}",
            "Bonjour à tous,\nle VPN sera en maintenance le {date} de 20h00 à 22h00. Votre mot de passe expirera bientôt ; merci de le changer sur le portail.\nEn cas de souci, appelez le support informatique au {phone}.",
        ),
        shipping: (
            "Votre commande {order} est expédiée",
            "Bonne nouvelle : votre commande {order} a été expédiée et devrait arriver le {date}. Montant réglé : {amount}.\nUne question sur la livraison ? Notre service client est joignable au {phone}.",
        ),
        appointment: (
            "Rappel : votre rendez-vous du {date}",
            "Bonjour {name},\nnous vous rappelons votre rendez-vous au cabinet le {date} à 10h30.\nPour l'annuler ou le déplacer, appelez-nous au {phone} au moins la veille.",
        ),
    },
    Texts {
        lure_subjects: [
            "Renovación de {brand} {order}",
            "Recibo {order} - pago confirmado",
        ],
        lures: [
            "Estimado cliente:\nGracias por elegir {brand}. Su suscripción {product} se renovó el {date} y se cargaron {amount} en su cuenta (pedido {order}).\nSi usted no autorizó este pago, nuestro equipo puede cancelarlo y hacerle el reembolso. Llámenos en las próximas 24 horas al {phone}.\nAtentamente,\nEl equipo de {brand}",
            "Factura {order}\n{brand} {product} - licencia anual: {amount}\nEl cargo aparecerá en su tarjeta en 24 horas. ¿No ha sido usted? Para solicitar la devolución, hable con un agente:\n{phone}\n(todos los días)",
        ],
        invoice: (
            "Factura de la reparación del {date}",
            "Hola {name}:\ngracias de nuevo por contar con nosotros el {date}. Le envío la factura de la reparación: {amount} por piezas y mano de obra, a pagar por transferencia en 14 días.\nSi tiene cualquier duda, llámeme al {phone}.\nUn saludo,\n{sender}",
        ),
        renewal: (
            "Su suscripción a {brand} se ha renovado",
            "Hola:\nsu suscripción {brand} {product} se renovó el {date}; se cargaron {amount} en la tarjeta guardada. Su recibo {order} está en su cuenta.\n¿Necesita ayuda? Contacte con el soporte de {brand} en el {phone}.",
        ),
        it_notice: (
            "Mantenimiento de la VPN el {date}",
            "Hola a todos:\nla VPN estará en mantenimiento el {date} de 20:00 a 22:00. Además, su contraseña caducará pronto; cámbiela en el portal.\nSi necesita ayuda, llame al soporte informático en el {phone}.",
        ),
        shipping: (
            "Su pedido {order} ha salido",
            "Buenas noticias: su pedido {order} se ha enviado y llegará el {date}. Importe pagado: {amount}.\n¿Dudas sobre la entrega? Nuestro servicio al cliente le atiende en el {phone}.",
        ),
        appointment: (
            "Recordatorio: su cita del {date}",
            "Hola {name}:\nle recordamos su cita en la consulta el {date} a las 10:30.\nSi desea anularla o cambiarla, llámenos al {phone} al menos un día antes.",
        ),
    },
    Texts {
        lure_subjects: [
            "Rinnovo {brand} {order}",
            "Ricevuta {order} - pagamento confermato",
        ],
        lures: [
            "Gentile cliente,\ngrazie per aver scelto {brand}. Il suo abbonamento {product} è stato rinnovato il {date} e le sono stati addebitati {amount} (ordine {order}).\nSe non ha autorizzato questo pagamento, il nostro team può annullarlo e rimborsarla. Ci chiami entro 24 ore al numero {phone}.\nCordiali saluti,\nIl team {brand}",
            "Fattura {order}\n{brand} {product} - licenza annuale: {amount}\nL'addebito comparirà sulla sua carta entro 24 ore. Non è stato lei? Per ottenere il rimborso parli con un operatore:\n{phone}\n(tutti i giorni)",
        ],
        invoice: (
            "Fattura per la riparazione del {date}",
            "Buongiorno {name},\ngrazie ancora per averci chiamato il {date}. Ecco la fattura della riparazione: {amount} per materiali e manodopera, da saldare con bonifico entro 14 giorni.\nPer qualsiasi dubbio mi chiami al {phone}.\nCordiali saluti,\n{sender}",
        ),
        renewal: (
            "Il suo abbonamento {brand} è stato rinnovato",
            "Buongiorno,\nil suo abbonamento {brand} {product} è stato rinnovato il {date}; {amount} sono stati addebitati sulla carta registrata. La ricevuta {order} è nel suo account.\nServe aiuto? L'assistenza {brand} risponde al {phone}.",
        ),
        it_notice: (
            "Manutenzione VPN il {date}",
            "Ciao a tutti,\nla VPN sarà in manutenzione il {date} dalle 20:00 alle 22:00. La vostra password scadrà a breve; cambiatela dal portale.\nPer assistenza chiamate l'helpdesk IT al {phone}.",
        ),
        shipping: (
            "Il suo ordine {order} è stato spedito",
            "Buone notizie: il suo ordine {order} è stato spedito e arriverà il {date}. Totale pagato: {amount}.\nDomande sulla consegna? Il servizio clienti risponde al {phone}.",
        ),
        appointment: (
            "Promemoria: appuntamento del {date}",
            "Gentile {name},\nle ricordiamo l'appuntamento in studio il {date} alle 10:30.\nPer disdirlo o spostarlo ci chiami al {phone} almeno un giorno prima.",
        ),
    },
    Texts {
        lure_subjects: [
            "Renovação {brand} {order}",
            "Recibo {order} - pagamento confirmado",
        ],
        lures: [
            "Caro cliente,\nObrigado por escolher a {brand}. A sua subscrição {product} foi renovada em {date} e foram debitados {amount} da sua conta (encomenda {order}).\nSe não autorizou este pagamento, a nossa equipa pode cancelá-lo e fazer o reembolso. Ligue-nos nas próximas 24 horas para o {phone}.\nCom os melhores cumprimentos,\nEquipa {brand}",
            "Fatura {order}\n{brand} {product} - licença anual: {amount}\nO débito vai aparecer no seu cartão em 24 horas. Não foi você? Para pedir o estorno, fale com um assistente:\n{phone}\n(todos os dias)",
        ],
        invoice: (
            "Fatura da reparação de {date}",
            "Olá {name},\nobrigado mais uma vez pela confiança em {date}. Segue a fatura da reparação: {amount} de peças e mão de obra, a pagar por transferência em 14 dias.\nSe tiver alguma dúvida, ligue-me para o {phone}.\nCumprimentos,\n{sender}",
        ),
        renewal: (
            "A sua subscrição {brand} foi renovada",
            "Olá,\na sua subscrição {brand} {product} foi renovada em {date}; foram cobrados {amount} no cartão guardado. O recibo {order} está na sua conta.\nPrecisa de ajuda? O apoio ao cliente {brand} atende no {phone}.",
        ),
        it_notice: (
            "Manutenção da VPN em {date}",
            "Olá a todos,\na VPN estará em manutenção em {date} das 20:00 às 22:00. A sua palavra-passe expira em breve; altere-a no portal.\nSe precisar de ajuda, ligue para o suporte informático: {phone}.",
        ),
        shipping: (
            "A sua encomenda {order} foi expedida",
            "Boas notícias: a sua encomenda {order} foi expedida e deve chegar em {date}. Total pago: {amount}.\nDúvidas sobre a entrega? O nosso atendimento está disponível no {phone}.",
        ),
        appointment: (
            "Lembrete: a sua consulta em {date}",
            "Olá {name},\nlembramos a sua consulta na clínica em {date} às 10:30.\nPara a desmarcar ou mudar, ligue-nos para o {phone} com um dia de antecedência.",
        ),
    },
    Texts {
        lure_subjects: [
            "Verlenging {brand} {order}",
            "Ontvangstbewijs {order} - betaling bevestigd",
        ],
        lures: [
            "Beste klant,\nBedankt dat u voor {brand} kiest. Uw abonnement {product} is op {date} verlengd en er is {amount} van uw rekening afgeschreven (bestelling {order}).\nHeeft u deze betaling niet gedaan? Ons team kan hem annuleren en u het geld terugbetalen. Bel ons binnen 24 uur op {phone}.\nMet vriendelijke groet,\nHet {brand}-team",
            "Factuur {order}\n{brand} {product} - jaarlicentie: {amount}\nDe afschrijving staat binnen 24 uur op uw kaart. Was u dit niet? Voor terugbetaling spreekt u een medewerker via:\n{phone}\n(7 dagen per week)",
        ],
        invoice: (
            "Factuur voor de reparatie van {date}",
            "Hallo {name},\nnogmaals bedankt voor de opdracht op {date}. Hierbij de factuur voor de reparatie: {amount} voor onderdelen en arbeid, te betalen per overschrijving binnen 14 dagen.\nBij vragen kunt u mij bellen op {phone}.\nGroet,\n{sender}",
        ),
        renewal: (
            "Uw {brand}-abonnement is verlengd",
            "Hallo,\nuw abonnement {brand} {product} is op {date} verlengd; {amount} is van de opgeslagen kaart afgeschreven. Uw ontvangstbewijs {order} staat in uw account.\nHulp nodig? De klantenservice van {brand} is bereikbaar op {phone}.",
        ),
        it_notice: (
            "VPN-onderhoud op {date}",
            "Hallo allemaal,\nop {date} is er van 20:00 tot 22:00 onderhoud aan de VPN. Uw wachtwoord verloopt binnenkort; wijzig het via het portaal.\nHulp nodig? Bel de IT-helpdesk op {phone}.",
        ),
        shipping: (
            "Uw bestelling {order} is verzonden",
            "Goed nieuws: uw bestelling {order} is verzonden en komt naar verwachting op {date}. Betaald: {amount}.\nVragen over de levering? Onze klantenservice is bereikbaar op {phone}.",
        ),
        appointment: (
            "Herinnering: uw afspraak op {date}",
            "Beste {name},\nwe herinneren u aan uw afspraak in de praktijk op {date} om 10:30.\nWilt u de afspraak afzeggen of verzetten? Bel ons dan uiterlijk een dag van tevoren op {phone}.",
        ),
    },
];

/// The parts lures are put together from, in one language (`{brand}`,
/// `{product}`, `{date}`, `{amount}`, `{order}`, `{customer}`, `{name}`,
/// `{phone}` as in [`Texts`]).
pub(crate) struct Parts {
    pub subjects: [&'static str; 4],
    pub greetings: [&'static str; 3],
    /// What was bought or renewed.
    pub openings: [&'static str; 3],
    /// The charge.
    pub charges: [&'static str; 3],
    /// Reference lines (decoy digits).
    pub references: [&'static str; 2],
    /// "Not you?"
    pub not_you: [&'static str; 3],
    /// A sentence with the number in it.
    pub call_inline: [&'static str; 3],
    /// A line above the number's own line.
    pub call_label: [&'static str; 3],
    /// Words after the number on its line.
    pub call_after: [&'static str; 2],
    pub deadlines: [&'static str; 3],
    pub closings: [&'static str; 3],
    /// The body's line when the lure is in an attachment.
    pub covers: [&'static str; 2],
    /// An invitation's summary.
    pub invite: &'static str,
}

/// The parts of a language (index into [`LANGUAGES`]).
pub(crate) fn parts(language: usize) -> &'static Parts {
    &PARTS[language % PARTS.len()]
}

static PARTS: [Parts; 7] = [
    Parts {
        subjects: [
            "Order confirmation #{order}",
            "{brand}: auto-renewal processed",
            "Payment notification – {order}",
            "Your account was debited",
        ],
        greetings: ["Hi there,", "Dear valued member,", "Hello {name},"],
        openings: [
            "We're writing to let you know your {brand} {product} membership was extended for another year on {date}.",
            "This email confirms the purchase of {brand} {product} made on {date}.",
            "Your {product} licence from {brand} has been upgraded and the yearly fee processed on {date}.",
        ],
        charges: [
            "Total deducted: {amount}",
            "A sum of {amount} has been taken via your saved payment method.",
            "Amount billed to you: {amount} (tax included)",
        ],
        references: [
            "Reference no.: {order}",
            "Customer ID {customer} · Invoice {order}",
        ],
        not_you: [
            "If you don't recognise this transaction, you can still reverse it.",
            "Didn't request this upgrade? It can be stopped and your money returned.",
            "Not expecting this charge? Let us reverse it for you.",
        ],
        call_inline: [
            "Ring our refunds department on {phone} to get it sorted.",
            "Get in touch with a billing specialist at {phone} right away.",
            "To cancel, simply dial {phone} and quote your reference.",
        ],
        call_label: [
            "Cancellation & refund line:",
            "Speak with our team (24/7):",
            "Call toll free:",
        ],
        call_after: [
            "– billing support, open 24 hours",
            "(cancellations and refunds)",
        ],
        deadlines: [
            "Requests received after 48 hours cannot be reversed.",
            "Please act today; the charge becomes final tomorrow.",
            "Your account may be put on hold if we do not hear from you.",
        ],
        closings: [
            "Thanks,\nThe {brand} Accounts Team",
            "Regards,\n{brand} Customer Services",
            "Sincerely,\nBilling Department – {brand}",
        ],
        covers: [
            "Please find your invoice attached.",
            "Details of your purchase are in the attached document.",
        ],
        invite: "{brand} payment confirmation {order}",
    },
    Parts {
        subjects: [
            "Auftragsbestätigung Nr. {order}",
            "{brand}: Ihre automatische Verlängerung",
            "Zahlungsbenachrichtigung {order}",
            "Abbuchung von Ihrem Konto",
        ],
        greetings: ["Hallo,", "Liebe Kundin, lieber Kunde,", "Guten Tag {name},"],
        openings: [
            "wir möchten Sie informieren, dass Ihre Mitgliedschaft bei {brand} ({product}) am {date} um ein weiteres Jahr verlängert wurde.",
            "hiermit bestätigen wir Ihren Kauf von {brand} {product} vom {date}.",
            "Ihre {product}-Lizenz von {brand} wurde am {date} erneuert und die Jahresgebühr eingezogen.",
        ],
        charges: [
            "Abgebuchter Gesamtbetrag: {amount}",
            "Ein Betrag von {amount} wurde über Ihre gespeicherte Zahlungsmethode eingezogen.",
            "Rechnungsbetrag: {amount} (inkl. MwSt.)",
        ],
        references: [
            "Vorgangsnummer: {order}",
            "Kundennr. {customer} · Rechnung {order}",
        ],
        not_you: [
            "Sie erkennen diese Buchung nicht? Sie kann noch rückgängig gemacht werden.",
            "Haben Sie dieses Upgrade nicht angefordert, stoppen wir die Zahlung und Sie erhalten Ihr Geld zurück.",
            "Falls Sie mit dieser Belastung nicht gerechnet haben, buchen wir sie gern zurück.",
        ],
        call_inline: [
            "Melden Sie sich dazu telefonisch bei unserer Erstattungsabteilung: {phone}.",
            "Sprechen Sie noch heute mit einem Mitarbeiter der Buchhaltung unter {phone}.",
            "Zum Widerruf wählen Sie einfach {phone} und nennen Ihre Vorgangsnummer.",
        ],
        call_label: [
            "Storno- und Erstattungsservice:",
            "Unser Team ist rund um die Uhr für Sie da:",
            "Gebührenfrei erreichbar:",
        ],
        call_after: [
            "– Abrechnungsservice, 24 Std. erreichbar",
            "(Stornierungen und Rückzahlungen)",
        ],
        deadlines: [
            "Nach Ablauf von 48 Stunden ist keine Rückbuchung mehr möglich.",
            "Bitte handeln Sie heute, morgen wird die Belastung endgültig.",
            "Ohne Ihre Rückmeldung kann Ihr Konto vorübergehend gesperrt werden.",
        ],
        closings: [
            "Danke,\nIhr {brand} Abrechnungsteam",
            "Freundliche Grüße\n{brand} Kundenbetreuung",
            "Hochachtungsvoll\nBuchhaltung – {brand}",
        ],
        covers: [
            "Ihre Rechnung finden Sie im Anhang.",
            "Die Einzelheiten Ihres Kaufs stehen im beigefügten Dokument.",
        ],
        invite: "{brand} Zahlungsbestätigung {order}",
    },
    Parts {
        subjects: [
            "Confirmation de commande n° {order}",
            "{brand} : renouvellement automatique effectué",
            "Avis de paiement {order}",
            "Votre compte a été débité",
        ],
        greetings: ["Bonjour,", "Chère cliente, cher client,", "Bonjour {name},"],
        openings: [
            "Nous vous informons que votre adhésion {brand} {product} a été prolongée d'un an le {date}.",
            "Ce message confirme l'achat de {brand} {product} effectué le {date}.",
            "Votre licence {product} de {brand} a été mise à niveau et les frais annuels prélevés le {date}.",
        ],
        charges: [
            "Montant total débité : {amount}",
            "Une somme de {amount} a été prélevée sur votre moyen de paiement enregistré.",
            "Montant facturé : {amount} TTC",
        ],
        references: [
            "Référence : {order}",
            "N° client {customer} · Facture {order}",
        ],
        not_you: [
            "Vous ne reconnaissez pas cette opération ? Elle peut encore être annulée.",
            "Vous n'avez pas demandé cette mise à niveau ? Nous pouvons bloquer le prélèvement et vous rembourser.",
            "Ce débit vous surprend ? Nous pouvons l'annuler pour vous.",
        ],
        call_inline: [
            "Joignez notre service des remboursements au {phone} pour régler cela.",
            "Parlez dès maintenant à un conseiller facturation au {phone}.",
            "Pour annuler, composez le {phone} en indiquant votre référence.",
        ],
        call_label: [
            "Service annulation et remboursement :",
            "Nos conseillers vous répondent 24h/24 :",
            "Numéro gratuit :",
        ],
        call_after: [
            "– service facturation, joignable 24h/24",
            "(annulations et remboursements)",
        ],
        deadlines: [
            "Passé un délai de 48 heures, aucune annulation ne sera possible.",
            "Merci d'agir aujourd'hui : le débit deviendra définitif demain.",
            "Sans réponse de votre part, votre compte pourra être suspendu.",
        ],
        closings: [
            "Merci,\nL'équipe comptabilité {brand}",
            "Salutations,\nService clients {brand}",
            "Bien cordialement,\nService facturation – {brand}",
        ],
        covers: [
            "Vous trouverez votre facture en pièce jointe.",
            "Le détail de votre achat figure dans le document joint.",
        ],
        invite: "{brand} confirmation de paiement {order}",
    },
    Parts {
        subjects: [
            "Confirmación de pedido n.º {order}",
            "{brand}: renovación automática procesada",
            "Aviso de pago {order}",
            "Se ha realizado un cargo en su cuenta",
        ],
        greetings: ["Hola,", "Estimado/a cliente:", "Buenos días, {name}:"],
        openings: [
            "Le informamos de que su membresía de {brand} {product} se ha prolongado un año más el {date}.",
            "Este correo confirma la compra de {brand} {product} realizada el {date}.",
            "Su licencia {product} de {brand} se ha actualizado y la cuota anual se ha cobrado el {date}.",
        ],
        charges: [
            "Importe total descontado: {amount}",
            "Se ha cobrado la cantidad de {amount} con su método de pago guardado.",
            "Importe facturado: {amount} (IVA incluido)",
        ],
        references: [
            "Referencia: {order}",
            "N.º de cliente {customer} · Factura {order}",
        ],
        not_you: [
            "¿No reconoce esta operación? Todavía puede anularse.",
            "¿No solicitó esta actualización? Podemos detener el cobro y devolverle el dinero.",
            "¿No esperaba este cargo? Podemos revertirlo por usted.",
        ],
        call_inline: [
            "Comuníquese con nuestro departamento de devoluciones al {phone} para resolverlo.",
            "Hable hoy mismo con un especialista de facturación en el {phone}.",
            "Para anular, marque el {phone} e indique su referencia.",
        ],
        call_label: [
            "Línea de anulaciones y reembolsos:",
            "Atención telefónica 24 horas:",
            "Teléfono gratuito:",
        ],
        call_after: [
            "– servicio de facturación, disponible 24 h",
            "(anulaciones y reembolsos)",
        ],
        deadlines: [
            "Pasadas 48 horas ya no será posible revertir el cargo.",
            "Actúe hoy: mañana el cobro será definitivo.",
            "Si no recibimos noticias suyas, su cuenta podría quedar bloqueada.",
        ],
        closings: [
            "Gracias,\nEquipo de cuentas de {brand}",
            "Saludos,\nAtención al cliente de {brand}",
            "Cordialmente,\nDepartamento de facturación – {brand}",
        ],
        covers: [
            "Adjuntamos su factura.",
            "Encontrará los detalles de su compra en el documento adjunto.",
        ],
        invite: "{brand} confirmación de pago {order}",
    },
    Parts {
        subjects: [
            "Conferma d'ordine n. {order}",
            "{brand}: rinnovo automatico eseguito",
            "Avviso di pagamento {order}",
            "Addebito sul suo conto",
        ],
        greetings: ["Salve,", "Gentile cliente,", "Buongiorno {name},"],
        openings: [
            "La informiamo che la sua iscrizione a {brand} {product} è stata prolungata di un anno il {date}.",
            "Questa email conferma l'acquisto di {brand} {product} effettuato il {date}.",
            "La sua licenza {product} di {brand} è stata aggiornata e il canone annuale riscosso il {date}.",
        ],
        charges: [
            "Importo totale prelevato: {amount}",
            "È stata addebitata la somma di {amount} sul metodo di pagamento salvato.",
            "Importo fatturato: {amount} (IVA inclusa)",
        ],
        references: [
            "Riferimento: {order}",
            "Cod. cliente {customer} · Fattura {order}",
        ],
        not_you: [
            "Non riconosce questa operazione? È ancora possibile annullarla.",
            "Non ha richiesto questo aggiornamento? Possiamo bloccare il pagamento e restituirle il denaro.",
            "Non si aspettava questo addebito? Possiamo stornarlo per lei.",
        ],
        call_inline: [
            "Contatti il nostro ufficio rimborsi al {phone} per risolvere.",
            "Parli oggi stesso con un addetto alla fatturazione al numero {phone}.",
            "Per annullare basta comporre il {phone} indicando il riferimento.",
        ],
        call_label: [
            "Linea annullamenti e rimborsi:",
            "Assistenza telefonica attiva 24 ore su 24:",
            "Numero verde:",
        ],
        call_after: [
            "– ufficio fatturazione, attivo 24 ore",
            "(annullamenti e rimborsi)",
        ],
        deadlines: [
            "Trascorse 48 ore lo storno non sarà più possibile.",
            "Agisca oggi: domani l'addebito diventerà definitivo.",
            "In assenza di risposta il suo account potrebbe essere sospeso.",
        ],
        closings: [
            "Grazie,\nIl team contabilità {brand}",
            "Saluti,\nServizio clienti {brand}",
            "Distinti saluti,\nUfficio fatturazione – {brand}",
        ],
        covers: [
            "In allegato trova la sua fattura.",
            "I dettagli dell'acquisto sono nel documento allegato.",
        ],
        invite: "{brand} conferma di pagamento {order}",
    },
    Parts {
        subjects: [
            "Confirmação do pedido n.º {order}",
            "{brand}: renovação automática concluída",
            "Aviso de pagamento {order}",
            "A sua conta foi debitada",
        ],
        greetings: ["Olá,", "Prezado(a) cliente,", "Bom dia {name},"],
        openings: [
            "Informamos que a sua adesão {brand} {product} foi prolongada por mais um ano em {date}.",
            "Este e-mail confirma a compra de {brand} {product} efetuada em {date}.",
            "A sua licença {product} da {brand} foi atualizada e a anuidade cobrada em {date}.",
        ],
        charges: [
            "Valor total descontado: {amount}",
            "Foi cobrada a quantia de {amount} no seu método de pagamento guardado.",
            "Valor faturado: {amount} (impostos incluídos)",
        ],
        references: [
            "Referência: {order}",
            "N.º de cliente {customer} · Fatura {order}",
        ],
        not_you: [
            "Não reconhece esta operação? Ainda pode ser anulada.",
            "Não pediu esta atualização? Podemos travar a cobrança e devolver o seu dinheiro.",
            "Não esperava esta cobrança? Podemos revertê-la por si.",
        ],
        call_inline: [
            "Contacte o nosso departamento de reembolsos pelo {phone} para resolver.",
            "Fale ainda hoje com um especialista de faturação pelo número {phone}.",
            "Para anular, marque o {phone} e indique a referência.",
        ],
        call_label: [
            "Linha de cancelamentos e reembolsos:",
            "Atendimento telefónico 24 horas:",
            "Linha gratuita:",
        ],
        call_after: [
            "– serviço de faturação, disponível 24 h",
            "(cancelamentos e reembolsos)",
        ],
        deadlines: [
            "Após 48 horas o estorno deixa de ser possível.",
            "Aja hoje: amanhã a cobrança torna-se definitiva.",
            "Sem resposta sua, a conta poderá ser bloqueada.",
        ],
        closings: [
            "Obrigado,\nEquipa de contas {brand}",
            "Atenciosamente,\nApoio ao cliente {brand}",
            "Cumprimentos,\nDepartamento de faturação – {brand}",
        ],
        covers: [
            "Segue em anexo a sua fatura.",
            "Os detalhes da compra estão no documento em anexo.",
        ],
        invite: "{brand} confirmação de pagamento {order}",
    },
    Parts {
        subjects: [
            "Orderbevestiging nr. {order}",
            "{brand}: automatische verlenging verwerkt",
            "Betalingsmelding {order}",
            "Er is een bedrag van uw rekening afgeschreven",
        ],
        greetings: ["Hallo,", "Geachte klant,", "Goedendag {name},"],
        openings: [
            "Hierbij laten wij u weten dat uw lidmaatschap van {brand} {product} op {date} met een jaar is verlengd.",
            "Deze e-mail bevestigt de aankoop van {brand} {product} op {date}.",
            "Uw {product}-licentie van {brand} is op {date} opgewaardeerd en de jaarlijkse bijdrage is geïnd.",
        ],
        charges: [
            "Totaal afgeschreven: {amount}",
            "Er is {amount} geïncasseerd via uw opgeslagen betaalmethode.",
            "Gefactureerd bedrag: {amount} (incl. btw)",
        ],
        references: ["Kenmerk: {order}", "Klantnr. {customer} · Factuur {order}"],
        not_you: [
            "Herkent u deze transactie niet? Dan kan die nog worden teruggedraaid.",
            "Heeft u deze upgrade niet aangevraagd? Wij stoppen de incasso en u krijgt uw geld terug.",
            "Had u deze afschrijving niet verwacht? Wij storten het bedrag graag terug.",
        ],
        call_inline: [
            "Neem hiervoor telefonisch contact op met onze afdeling terugbetalingen: {phone}.",
            "Spreek vandaag nog een medewerker van de facturatie via {phone}.",
            "Om te annuleren belt u {phone} en noemt u uw kenmerk.",
        ],
        call_label: [
            "Annulerings- en restitutielijn:",
            "Wij staan dag en nacht voor u klaar:",
            "Gratis bereikbaar:",
        ],
        call_after: [
            "– facturatieservice, 24 uur per dag bereikbaar",
            "(annuleringen en terugbetalingen)",
        ],
        deadlines: [
            "Na 48 uur is terugboeken niet meer mogelijk.",
            "Onderneem vandaag actie; morgen is de afschrijving definitief.",
            "Zonder reactie kan uw account tijdelijk worden geblokkeerd.",
        ],
        closings: [
            "Bedankt,\nHet {brand} administratieteam",
            "Groeten,\n{brand} Klantenservice",
            "Hoogachtend,\nAfdeling facturatie – {brand}",
        ],
        covers: [
            "Uw factuur vindt u in de bijlage.",
            "De details van uw aankoop staan in het bijgevoegde document.",
        ],
        invite: "{brand} betalingsbevestiging {order}",
    },
];

/// Words for dates, per language: `15 April 2025`, `15.04.2025`.
pub(crate) fn date(language: &str, day: u32, month: u32) -> String {
    const EN: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    match language {
        "en" if day.is_multiple_of(2) => format!("{} {day}, 2025", EN[(month as usize - 1) % 12]),
        "en" => format!("{day} {} 2025", EN[(month as usize - 1) % 12]),
        "de" => format!("{day:02}.{month:02}.2025"),
        "nl" => format!("{day}-{month}-2025"),
        _ => format!("{day:02}/{month:02}/2025"),
    }
}
