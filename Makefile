# The two commands of the README's quick start. Both set up what they need first.
.PHONY: app test bootstrap

app: bootstrap
	.venv/bin/patient-wallet $(ARGS)

test: bootstrap
	scripts/test.sh

bootstrap:
	@scripts/bootstrap.sh
