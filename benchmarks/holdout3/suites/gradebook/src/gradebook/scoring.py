from decimal import Decimal


def score_answers(answers, weights):
    if not answers:
        return Decimal("0")
    total = Decimal("0")
    for question, answer in answers.items():
        weight = Decimal(str(weights.get(question, 1)))
        total += weight * (Decimal("1") if answer.get("correct") else Decimal("0"))
    return (total / len(answers) * 100).quantize(Decimal("0.01"))
