"""vCard 3.0 of a directory contact (RFC 2426), for the address book of a partner."""


def _escape(value: str) -> str:
    return (
        (value or "")
        .replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r", "")
        .replace("\n", "\\n")
    )


def contact_vcard(contact) -> str:
    affiliations = getattr(contact, "current_affiliations", None) or []
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"N:{_escape(contact.last_name)};{_escape(contact.first_name)};;;",
        f"FN:{_escape(str(contact))}",
    ]
    if affiliations:
        lines.append(f"ORG:{_escape(affiliations[0].organisation.name)}")
    if contact.function:
        lines.append(f"TITLE:{_escape(contact.function)}")
    if contact.email:
        lines.append(f"EMAIL;TYPE=INTERNET,WORK:{_escape(contact.email)}")
    if contact.phone:
        lines.append(f"TEL;TYPE=WORK,VOICE:{_escape(contact.phone)}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"
