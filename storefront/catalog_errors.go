//go:build !wasm

package storefront

import (
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/buycard/buycard"
)

// The catalog's part for the errors a shopper can meet: what the domain
// and the API refuse in a checkout (a sold-out option, a code that has
// ended, an address a shop does not ship to), keyed by the English format
// each is made of (buycard.Error.Template), in the card's other languages.
// The server words them in the shopper's language: the JSON API for the
// WASM's checkout and quote (their lang), and the pages it renders. The
// WASM carries none of them: its API answers come worded already.
//
// Messages the checkout's own catalog has too (the same English) are
// worded by it, and not repeated here.
//
// A key that no longer matches a format in the code is caught by
// TestErrorCatalogMatchesTheCode; a translation whose verbs differ from
// the key's by TestErrorCatalogComplete.
var errorTranslations = map[string]map[string]string{
	"Choose one of the listed options.": {
		"fr": "Choisissez l'une des options proposées.", "de": "Wählen Sie eine der angebotenen Optionen.",
		"es": "Elige una de las opciones de la lista.", "it": "Scegli una delle opzioni elencate.",
		"nl": "Kies een van de genoemde opties.", "pt": "Escolha uma das opções da lista.",
		"ja": "表示されている選択肢から選んでください。",
	},
	"Quantity must be at least 1.": {
		"fr": "La quantité doit être d'au moins 1.", "de": "Die Menge muss mindestens 1 sein.", "es": "La cantidad debe ser al menos 1.",
		"it": "La quantità deve essere almeno 1.", "nl": "Het aantal moet minstens 1 zijn.", "pt": "A quantidade deve ser pelo menos 1.",
		"ja": "数量は1以上にしてください。",
	},
	"Quantity must be a whole number.": {
		"fr": "La quantité doit être un nombre entier.", "de": "Die Menge muss eine ganze Zahl sein.", "es": "La cantidad debe ser un número entero.",
		"it": "La quantità deve essere un numero intero.", "nl": "Het aantal moet een geheel getal zijn.", "pt": "A quantidade deve ser um número inteiro.",
		"ja": "数量は整数で入力してください。",
	},
	"You can buy at most %d at a time.": {
		"fr": "Vous pouvez en acheter %d au maximum à la fois.", "de": "Sie können höchstens %d auf einmal kaufen.",
		"es": "Puedes comprar como máximo %d a la vez.", "it": "Puoi acquistarne al massimo %d alla volta.",
		"nl": "Je kunt er maximaal %d tegelijk kopen.", "pt": "Você pode comprar no máximo %d por vez.",
		"ja": "一度に購入できるのは%d個までです。",
	},
	"Enter your name and email.": {
		"fr": "Saisissez votre nom et votre adresse e-mail.", "de": "Geben Sie Ihren Namen und Ihre E-Mail-Adresse ein.",
		"es": "Introduce tu nombre y tu correo electrónico.", "it": "Inserisci il tuo nome e la tua email.",
		"nl": "Vul je naam en e-mailadres in.", "pt": "Informe seu nome e e-mail.",
		"ja": "お名前とメールアドレスを入力してください。",
	},
	"Enter the address to ship to.": {
		"fr": "Saisissez l'adresse de livraison.", "de": "Geben Sie die Lieferadresse ein.", "es": "Introduce la dirección de envío.",
		"it": "Inserisci l'indirizzo di spedizione.", "nl": "Vul het verzendadres in.", "pt": "Informe o endereço de entrega.",
		"ja": "お届け先の住所を入力してください。",
	},
	"Enter the name to ship to.": {
		"fr": "Saisissez le nom du destinataire.", "de": "Geben Sie den Namen des Empfängers ein.", "es": "Introduce el nombre del destinatario.",
		"it": "Inserisci il nome del destinatario.", "nl": "Vul de naam van de ontvanger in.", "pt": "Informe o nome do destinatário.",
		"ja": "お届け先のお名前を入力してください。",
	},
	"Choose a country from the list.": {
		"fr": "Choisissez un pays dans la liste.", "de": "Wählen Sie ein Land aus der Liste.", "es": "Elige un país de la lista.",
		"it": "Scegli un paese dall'elenco.", "nl": "Kies een land uit de lijst.", "pt": "Escolha um país da lista.",
		"ja": "リストから国を選んでください。",
	},
	"Choose a state or province of %s.": {
		"fr": "Choisissez un État ou une province : %s.", "de": "Wählen Sie einen Bundesstaat oder eine Provinz: %s.",
		"es": "Elige un estado o una provincia de %s.", "it": "Scegli uno stato o una provincia di %s.",
		"nl": "Kies een staat of provincie van %s.", "pt": "Escolha um estado ou província de %s.",
		"ja": "%sの州または県を選んでください。",
	},
	"A postal code has letters, digits, spaces and hyphens only.": {
		"fr": "Un code postal ne contient que des lettres, des chiffres, des espaces et des traits d'union.",
		"de": "Eine Postleitzahl enthält nur Buchstaben, Ziffern, Leerzeichen und Bindestriche.",
		"es": "Un código postal solo tiene letras, dígitos, espacios y guiones.",
		"it": "Un codice postale contiene solo lettere, cifre, spazi e trattini.",
		"nl": "Een postcode bevat alleen letters, cijfers, spaties en streepjes.",
		"pt": "Um código postal só tem letras, dígitos, espaços e hífens.",
		"ja": "郵便番号に使えるのは英字、数字、スペース、ハイフンだけです。",
	},
	"%s doesn't ship to %s.": {
		"fr": "%s ne livre pas ce pays : %s.", "de": "%s liefert nicht nach %s.", "es": "%s no envía a %s.",
		"it": "%s non spedisce in %s.", "nl": "%s verzendt niet naar %s.", "pt": "%s não entrega em %s.",
		"ja": "%sは%sへの配送に対応していません。",
	},
	"Choose one of the shipping options for %s.": {
		"fr": "Choisissez l'une des options de livraison pour ce pays : %s.", "de": "Wählen Sie eine der Versandoptionen für %s.",
		"es": "Elige una de las opciones de envío a %s.", "it": "Scegli una delle opzioni di spedizione per %s.",
		"nl": "Kies een van de verzendopties voor %s.", "pt": "Escolha uma das opções de frete para %s.",
		"ja": "%sへの配送方法を選んでください。",
	},
	"This merchant cannot take payments right now.": {
		"fr": "Ce vendeur ne peut pas recevoir de paiements pour le moment.", "de": "Dieser Händler kann derzeit keine Zahlungen annehmen.",
		"es": "Este vendedor no puede recibir pagos ahora mismo.", "it": "Questo venditore non può ricevere pagamenti al momento.",
		"nl": "Deze verkoper kan op dit moment geen betalingen ontvangen.", "pt": "Este vendedor não pode receber pagamentos no momento.",
		"ja": "このショップは現在お支払いを受け付けていません。",
	},
	"The price changed. Review the new price and try again.": {
		"fr": "Le prix a changé. Vérifiez le nouveau prix et réessayez.", "de": "Der Preis hat sich geändert. Prüfen Sie den neuen Preis und versuchen Sie es erneut.",
		"es": "El precio ha cambiado. Revisa el nuevo precio e inténtalo de nuevo.", "it": "Il prezzo è cambiato. Controlla il nuovo prezzo e riprova.",
		"nl": "De prijs is gewijzigd. Bekijk de nieuwe prijs en probeer het opnieuw.", "pt": "O preço mudou. Confira o novo preço e tente novamente.",
		"ja": "価格が変更されました。新しい価格をご確認のうえ、もう一度お試しください。",
	},
	"This checkout has run out of time. Close it and try again.": {
		"fr": "Le délai de ce paiement a expiré. Fermez-le et réessayez.", "de": "Die Zeit für diesen Kauf ist abgelaufen. Schließen Sie ihn und versuchen Sie es erneut.",
		"es": "Se ha agotado el tiempo de esta compra. Ciérrala e inténtalo de nuevo.", "it": "Il tempo per questo acquisto è scaduto. Chiudilo e riprova.",
		"nl": "De tijd voor deze bestelling is verstreken. Sluit haar en probeer het opnieuw.", "pt": "O tempo desta compra acabou. Feche-a e tente novamente.",
		"ja": "お手続きの時間が切れました。閉じてからもう一度お試しください。",
	},
	"One shopper can hold at most %d of these at a time.": {
		"fr": "Une même personne peut réserver au maximum %d exemplaires à la fois.", "de": "Eine Person kann höchstens %d Stück gleichzeitig reservieren.",
		"es": "Una misma persona puede reservar como máximo %d a la vez.", "it": "Una persona può riservarne al massimo %d alla volta.",
		"nl": "Eén persoon kan er maximaal %d tegelijk reserveren.", "pt": "Uma pessoa pode reservar no máximo %d por vez.",
		"ja": "お一人様が同時に確保できるのは%d個までです。",
	},
	"You already hold %d of these in another checkout, and one shopper can hold at most %d at a time. Finish or close that checkout first.": {
		"fr": "Vous en réservez déjà %d dans un autre paiement, et une même personne peut en réserver au maximum %d à la fois. Terminez ou fermez d'abord cet autre paiement.",
		"de": "Sie reservieren bereits %d Stück in einem anderen Kauf, und eine Person kann höchstens %d gleichzeitig reservieren. Schließen Sie den anderen Kauf zuerst ab oder brechen Sie ihn ab.",
		"es": "Ya reservas %d en otra compra, y una misma persona puede reservar como máximo %d a la vez. Termina o cierra primero esa compra.",
		"it": "Ne hai già riservati %d in un altro acquisto, e una persona può riservarne al massimo %d alla volta. Completa o chiudi prima quell'acquisto.",
		"nl": "Je reserveert er al %d in een andere bestelling, en één persoon kan er maximaal %d tegelijk reserveren. Rond die bestelling eerst af of sluit haar.",
		"pt": "Você já reservou %d em outra compra, e uma pessoa pode reservar no máximo %d por vez. Conclua ou feche essa compra primeiro.",
		"ja": "別のお手続きで既に%d個を確保しています。お一人様が同時に確保できるのは%d個までです。先にそちらを完了するか閉じてください。",
	},
	"This discount code is not valid.": {
		"fr": "Ce code de réduction n'est pas valide.", "de": "Dieser Rabattcode ist ungültig.", "es": "Este código de descuento no es válido.",
		"it": "Questo codice sconto non è valido.", "nl": "Deze kortingscode is ongeldig.", "pt": "Este cupom de desconto não é válido.",
		"ja": "この割引コードは無効です。",
	},
	"A discount code is %d to %d letters, digits, dashes or underscores.": {
		"fr": "Un code de réduction compte de %d à %d lettres, chiffres, tirets ou tirets bas.",
		"de": "Ein Rabattcode besteht aus %d bis %d Buchstaben, Ziffern, Binde- oder Unterstrichen.",
		"es": "Un código de descuento tiene de %d a %d letras, dígitos, guiones o guiones bajos.",
		"it": "Un codice sconto ha da %d a %d lettere, cifre, trattini o trattini bassi.",
		"nl": "Een kortingscode heeft %d tot %d letters, cijfers, streepjes of onderstrepingstekens.",
		"pt": "Um cupom de desconto tem de %d a %d letras, dígitos, hífens ou sublinhados.",
		"ja": "割引コードは英字、数字、ハイフン、アンダースコアの%d〜%d文字です。",
	},
	"The code %s has ended.": {
		"fr": "Le code %s n'est plus proposé.", "de": "Der Code %s wurde beendet.", "es": "El código %s ha finalizado.",
		"it": "Il codice %s è terminato.", "nl": "De code %s is beëindigd.", "pt": "O cupom %s foi encerrado.", "ja": "コード%sは終了しました。",
	},
	"The code %s is not valid yet: it starts on %s.": {
		"fr": "Le code %s n'est pas encore valable : il commence le %s.", "de": "Der Code %s gilt noch nicht: Er beginnt am %s.",
		"es": "El código %s aún no es válido: empieza el %s.", "it": "Il codice %s non è ancora valido: inizia il %s.",
		"nl": "De code %s is nog niet geldig: hij begint op %s.", "pt": "O cupom %s ainda não é válido: começa em %s.",
		"ja": "コード%sはまだ使えません。開始日時: %s。",
	},
	"The code %s has expired.": {
		"fr": "Le code %s a expiré.", "de": "Der Code %s ist abgelaufen.", "es": "El código %s ha caducado.",
		"it": "Il codice %s è scaduto.", "nl": "De code %s is verlopen.", "pt": "O cupom %s expirou.", "ja": "コード%sは有効期限が切れています。",
	},
	"The code %s has been used up.": {
		"fr": "Le code %s a atteint sa limite d'utilisation.", "de": "Der Code %s ist aufgebraucht.", "es": "El código %s ya se ha agotado.",
		"it": "Il codice %s è esaurito.", "nl": "De code %s is opgebruikt.", "pt": "O cupom %s atingiu o limite de usos.", "ja": "コード%sは利用上限に達しました。",
	},
	"The code %s is not for this product.": {
		"fr": "Le code %s ne s'applique pas à ce produit.", "de": "Der Code %s gilt nicht für dieses Produkt.",
		"es": "El código %s no es para este producto.", "it": "Il codice %s non vale per questo prodotto.",
		"nl": "De code %s geldt niet voor dit product.", "pt": "O cupom %s não vale para este produto.", "ja": "コード%sはこの商品には使えません。",
	},
	"The code %s cannot be used in %s.": {
		"fr": "Le code %s ne peut pas être utilisé en %s.", "de": "Der Code %s kann nicht in %s verwendet werden.",
		"es": "El código %s no se puede usar en %s.", "it": "Il codice %s non si può usare in %s.",
		"nl": "De code %s kan niet in %s worden gebruikt.", "pt": "O cupom %s não pode ser usado em %s.", "ja": "コード%sは%sでは使えません。",
	},
	"%s must be at most %d characters.": {
		"fr": "%s ne doit pas dépasser %d caractères.", "de": "%s darf höchstens %d Zeichen lang sein.",
		"es": "%s debe tener como máximo %d caracteres.", "it": "%s deve contenere al massimo %d caratteri.",
		"nl": "%s mag maximaal %d tekens lang zijn.", "pt": "%s deve ter no máximo %d caracteres.",
		"ja": "%sは%d文字以内で入力してください。",
	},
	"%s is not valid UTF-8 text.": {
		"fr": "%s n'est pas un texte UTF-8 valide.", "de": "%s ist kein gültiger UTF-8-Text.", "es": "%s no es un texto UTF-8 válido.",
		"it": "%s non è un testo UTF-8 valido.", "nl": "%s is geen geldige UTF-8-tekst.", "pt": "%s não é um texto UTF-8 válido.",
		"ja": "%sは有効なUTF-8テキストではありません。",
	},
	"%s must not contain control characters or text direction controls.": {
		"fr": "%s ne doit pas contenir de caractères de contrôle ni de contrôles de direction du texte.",
		"de": "%s darf keine Steuerzeichen oder Textrichtungszeichen enthalten.",
		"es": "%s no debe contener caracteres de control ni de dirección del texto.",
		"it": "%s non deve contenere caratteri di controllo o di direzione del testo.",
		"nl": "%s mag geen stuurtekens of tekens voor tekstrichting bevatten.",
		"pt": "%s não deve conter caracteres de controle nem de direção do texto.",
		"ja": "%sに制御文字やテキストの方向を変える文字は使えません。",
	},
	"The code %s needs a subtotal of at least %s.": {
		"fr": "Le code %s demande un sous-total d'au moins %s.", "de": "Der Code %s gilt ab einer Zwischensumme von %s.",
		"es": "El código %s requiere un subtotal de al menos %s.", "it": "Il codice %s richiede un subtotale di almeno %s.",
		"nl": "De code %s vraagt een subtotaal van minstens %s.", "pt": "O cupom %s exige um subtotal de pelo menos %s.",
		"ja": "コード%sのご利用には小計%s以上が必要です。",
	},
}

// fieldNames are the names of the fields a shopper fills in
// (buycard.FieldName), in the card's other languages, as the subject of
// a message. A message naming another field stays English.
var fieldNames = map[buycard.FieldName]map[string]string{
	buycard.PersonNameText.Name: {"fr": "Le nom", "de": "Der Name", "es": "El nombre", "it": "Il nome", "nl": "De naam", "pt": "O nome", "ja": "お名前"},
	buycard.AddressLineText.Name: {"fr": "L'adresse", "de": "Die Adresse", "es": "La dirección", "it": "L'indirizzo", "nl": "Het adres",
		"pt": "O endereço", "ja": "住所"},
	buycard.CityText.Name:   {"fr": "La ville", "de": "Der Ort", "es": "La ciudad", "it": "La città", "nl": "De plaats", "pt": "A cidade", "ja": "市区町村"},
	buycard.RegionText.Name: {"fr": "La région", "de": "Die Region", "es": "La región", "it": "La regione", "nl": "De regio", "pt": "A região", "ja": "地域"},
	buycard.PostalCodeText.Name: {"fr": "Le code postal", "de": "Die Postleitzahl", "es": "El código postal", "it": "Il CAP", "nl": "De postcode",
		"pt": "O código postal", "ja": "郵便番号"},
	buycard.PhoneNumberText.Name: {"fr": "Le numéro de téléphone", "de": "Die Telefonnummer", "es": "El número de teléfono",
		"it": "Il numero di telefono", "nl": "Het telefoonnummer", "pt": "O número de telefone", "ja": "電話番号"},
	buycard.DiscountCodeText.Name: {"fr": "Le code de réduction", "de": "Der Rabattcode", "es": "El código de descuento",
		"it": "Il codice sconto", "nl": "De kortingscode", "pt": "O cupom", "ja": "割引コード"},
}

// catalogMessageOf is the catalog's message of each English text, made
// on first use: after every init has filled english (catalog_server.go).
var catalogMessageOf = sync.OnceValue(func() map[string]Message {
	out := make(map[string]Message, msgCount)
	for m, text := range english {
		out[text] = Message(m)
	}
	return out
})

// LocalizeError is err worded in lang (a tag; see Language) when it is a
// buycard.Error whose format the catalog translates, and err as it is
// otherwise: English, and any error that is not one of those.
func LocalizeError(err error, lang string) error {
	var e *buycard.Error
	if !errors.As(err, &e) {
		return err
	}
	if message, ok := translateError(e, lang); ok {
		return &buycard.Error{Code: e.Code, Message: message}
	}
	return err
}

// localizedMessage is err's message in lang where the catalog has it.
func localizedMessage(err error, lang string) string {
	return buycard.ErrorMessage(LocalizeError(err, lang))
}

// translateError words e in lang, its countries, amounts, fields and
// times as lang has them too.
func translateError(e *buycard.Error, lang string) (string, bool) {
	format, args := e.Template()
	lang = Language(lang)
	translated := errorTranslations[format][lang]
	if m, ok := catalogMessageOf()[format]; ok && lang != "en" {
		translated = tr(lang, m)
	}
	if translated == "" {
		return "", false
	}
	worded := make([]any, len(args))
	for i, a := range args {
		switch a := a.(type) {
		case buycard.CountryCode:
			worded[i] = countryName(string(a), lang)
		case buycard.MoneyText:
			worded[i] = buycard.Money(a).Format(lang)
		case buycard.FieldName:
			if worded[i] = fieldNames[a][lang]; worded[i] == "" {
				return "", false
			}
		case buycard.TimeText:
			worded[i] = time.Time(a).UTC().Format("2006-01-02 15:04 MST")
		default:
			worded[i] = a
		}
	}
	return fmt.Sprintf(translated, worded...), true
}
