import pandas as pd

data = "{data_url}"
tasks = pd.read_csv(data + "tasks.csv")
links = pd.read_csv(data + "task-agencies.csv")
agencies = pd.read_csv(data + "agencies.csv")

# Heading rows group tasks and are never counted.
tasks = tasks[tasks["state"] != "heading"]
overdue = tasks[tasks["overdue"]]
past = tasks[tasks["state"] == "past-deadline"]
print(len(tasks), "tasks,", len(overdue), "overdue,", len(past), "past deadline with no completion recorded")
print(tasks["state"].value_counts())

# Who leads the tasks past their deadline: the link table joined to the agencies.
leads = links[links["role"] == "lead"].merge(agencies, left_on="agency", right_on="id")
leads = leads[leads["task"].isin(past["id"])]
print(leads["name_{lang}"].value_counts().head(10))

# The workbook: every table as one sheet (needs openpyxl).
sheets = pd.read_excel(data + "lotrinh.xlsx", sheet_name=None)
print(len(sheets["tasks"]), "rows in the tasks sheet")
