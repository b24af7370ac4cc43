// How Cognito shows a delivery destination in CodeDeliveryDetails.Destination.
//   email  test@example.com → t***@e***      (first character of the local part and of the
//          domain; current Cognito shows no top-level label: test@test.com → t***@t***)
//   phone  +14155550123     → +*******0123   (one * per hidden digit, last four shown)

export function maskEmail(email: string): string {
  const at = email.lastIndexOf("@");
  if (at <= 0) return `${first(email)}***`;
  return `${first(email.slice(0, at))}***@${first(email.slice(at + 1))}***`;
}

export function maskPhone(phone: string): string {
  const digits = phone.replace(/[^0-9]/g, "");
  const shown = digits.slice(-4);
  return `+${"*".repeat(Math.max(0, digits.length - shown.length))}${shown}`;
}

export function maskDestination(medium: "EMAIL" | "SMS", destination: string): string {
  return medium === "EMAIL" ? maskEmail(destination) : maskPhone(destination);
}

function first(s: string): string {
  const cp = s.codePointAt(0);
  return cp === undefined ? "" : String.fromCodePoint(cp);
}
