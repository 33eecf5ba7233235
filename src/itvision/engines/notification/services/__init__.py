"""The notification engine's use cases: `messages` (record what to send), `sending` (send
it, outside any transaction), `statuses` (providers' word on delivery), `contacts`,
`templates`; the providers' adapters are in `channels`."""
