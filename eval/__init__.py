"""The evaluation data (qa.jsonl, judge_cases.jsonl); the code is `assistant.evaluation`."""
