data <- "{data_url}"
tasks <- read.csv(paste0(data, "tasks.csv"), encoding = "UTF-8")
links <- read.csv(paste0(data, "task-agencies.csv"), encoding = "UTF-8")
agencies <- read.csv(paste0(data, "agencies.csv"), encoding = "UTF-8")

overdue <- tasks[as.logical(tasks$overdue), ]
cat(nrow(tasks), "tasks,", nrow(overdue), "overdue\n")

# Who leads the overdue tasks: the link table joined to the agencies.
leads <- merge(links[links$role == "lead", ], agencies, by.x = "agency", by.y = "id")
leads <- leads[leads$task %in% overdue$id, ]
print(head(sort(table(leads$name_{lang}), decreasing = TRUE), 10))
