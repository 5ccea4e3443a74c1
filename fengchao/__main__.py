from fengchao.cli import main_entry

main_entry()
