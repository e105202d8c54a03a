"""Transaction monitoring, written the way the design's authors write their
services: __init__ takes the names of the stores the service uses and the
configuration of its notification channel, and binds them, read only where it
only reads. What backs each one (a table or a bucket, an SNS topic, created
by the stack or existing) is set in transactions.stc.yaml, per mode.

A daily check (a schedule in transactions.stc.yaml) runs the workflow
_check_account: it adds up the account's recent transactions, compares the
sum with the account's limit, records an alert and mails it when it is over."""
from caios.abc.mapping import Mapping
from caios.abc.mutable_mapping import MutableMapping
from caios.protocol.channel import Channel
from jdict import jdict


class UnknownAccount(Exception):
    pass


class TransactionMonitoring:
    """Keeps transactions and alerts when an account goes over its limit."""

    def __init__(self, rules: str, service_storage: str, alerts_storage: str, notification_mail: jdict) -> None:
        self._rules = Mapping.get_mapping(rules)                      # account -> {"limit": ...}, read only
        self._transactions = MutableMapping.get_mapping(service_storage)
        self._alerts = MutableMapping.get_mapping(alerts_storage)
        self._email_channel = Channel.get_channel(notification_mail)

    def add_transaction(self, transaction_id: str, account: str, amount: float) -> dict:
        """POST /transactions: keep one transaction."""
        if account not in self._rules:
            raise UnknownAccount(f"no rules for account {account}")
        transaction = jdict(transaction_id=transaction_id, account=account, amount=amount)
        self._transactions[transaction_id] = transaction
        return transaction

    def get_transaction(self, transaction_id: str) -> dict:
        """GET /transactions/{transaction_id}."""
        return self._transactions[transaction_id]

    def list_alerts(self) -> list:
        """GET /alerts: every alert raised so far."""
        return [self._alerts[key] for key in sorted(self._alerts)]

    def _total(self, account: str) -> float:
        """The sum of the account's transactions."""
        return sum(t["amount"] for t in self._transactions.values() if t["account"] == account)

    def _limit(self, account: str) -> float:
        """The account's limit (read only)."""
        return self._rules[account]["limit"]

    def _raise_alert(self, account: str, total: float, limit: float) -> str:
        """Record the alert; its key."""
        key = f"{account}-{len(self._alerts) + 1}"
        self._alerts[key] = jdict(account=account, total=total, limit=limit)
        return key

    def _notify(self, recipient: str, alert: str) -> str:
        """Mail the alert through the notification channel; the message id."""
        alert_record = self._alerts[alert]
        return self._email_channel.send(jdict(to=recipient, subject=f"Limit exceeded: {alert_record.account}",
                                              alert=alert_record))

    async def _check_account(self, account: str, recipient: str) -> str:
        """The monitoring workflow: alert when the account is over its limit."""
        total = self._total(account)
        limit = self._limit(account)
        if total <= limit:
            return "Nothing suspicious"
        alert = self._raise_alert(account, total, limit)
        self._notify(recipient, alert)
        return alert
